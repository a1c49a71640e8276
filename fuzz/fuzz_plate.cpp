// libFuzzer: the plate-ID normaliser and the resolver (exact, fuzzy, with a partner plate)
// on any bytes. Properties beyond "no crash, no sanitizer report": normalising is idempotent
// on what it returns, and every candidate's confidence is in [0, 1].
#include <lugeo/error.hpp>
#include <lugeo/registry.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace lugeo;

namespace {

const Registry &registry() {
    static const Registry r = [] {
        std::vector<Plate> plates;
        // a small synthetic city: 4 districts x 6 roads x 40 plates, along straight roads
        for (int d = 1; d <= 4; ++d)
            for (int road = 1; road <= 6; ++road)
                for (int n = 1; n <= 40; ++n) {
                    PlateIdParts parts;
                    parts.type = 0;
                    parts.district = d;
                    parts.road = road;
                    parts.number = n;
                    Plate p;
                    p.id = format_plate_id(parts, false);
                    p.kind = "pole";
                    p.position = {d * 3000.0 + n * 30.0, road * 500.0};
                    plates.push_back(p);
                }
        return Registry(std::move(plates));
    }();
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    try {
        const NormalizedId n = normalize_plate_id(text);
        if (n.is_canonical) {
            const NormalizedId again = normalize_plate_id(n.id);
            if (!again.is_canonical || again.id != n.id) std::abort(); // idempotent
        }
    } catch (const Error &) {
    }
    // the same bytes as a spoken ID, with a caller position and a second plate heard
    const std::size_t cut = size / 2;
    LocateOptions o;
    o.near = CallerPosition{XY{6000.0 + static_cast<double>(size % 97) * 40.0, 1500.0}, 300.0};
    try {
        const LocateResult r = registry().locate(text, o);
        for (const Candidate &c : r.candidates)
            if (!(c.confidence >= 0.0 && c.confidence <= 1.0 + 1e-9)) std::abort();
        LocateOptions pair = o;
        pair.also = std::string(text.substr(cut));
        (void)registry().locate(text.substr(0, cut), pair);
    } catch (const Error &) {
    }
    return 0;
}
