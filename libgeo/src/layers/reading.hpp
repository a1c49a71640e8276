// What every layer reader shares: reading the role's fields through io, the error context of
// a feature, strict or lenient handling of bad features, value parsing, and the report.
#pragma once

#include <lugeo/error.hpp>
#include <lugeo/io.hpp>
#include <lugeo/layers.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lugeo::detail {

/// One layer being read.
class LayerReading {
public:
    /// Checks the spec's field map against the role's fields (an unknown lugeo field is an
    /// Error listing the known ones).
    LayerReading(const LayerSpec &spec, LayerRole role, const LayerReadContext &ctx,
                 LayerReport *report);

    /// Reads the layer with the role's fields (layer_fields(role)) into `target_crs` (default:
    /// the context's metric CRS). Fills the report's source, CRS, counts and fields; a layer
    /// without geometry (a CSV without coordinate columns) is an Error listing its columns.
    FeatureTable read(ReadOptions options = {});
    FeatureTable read_into(const std::string &target_crs, ReadOptions options = {});
    /// Reads another spec of the same layer (a guessed field map, a second OSM layer) into
    /// the same report: the first read sets the source, later ones add their counts.
    FeatureTable read_spec(const LayerSpec &spec, const std::string &target_crs,
                           ReadOptions options);
    /// Records a table read by another reader (OSM through libosmium) as read_spec does.
    FeatureTable adopt(const LayerSpec &spec, FeatureTable table);

    const LayerSpec &spec() const { return m_spec; }
    LayerRole role() const { return m_role; }
    const LayerReadContext &context() const { return m_ctx; }
    const std::string &layer_name() const { return m_layer_name; }

    /// The context of a feature (and of a lugeo field of it, named as in the source).
    ErrorContext at(std::optional<std::int64_t> fid = std::nullopt,
                    const std::string &lugeo_field = {}, const std::string &value = {}) const;

    /// A feature that cannot be used: an Error (strict), or left out and counted under `note`
    /// ("features without a point") when lenient. Returns only when lenient.
    void reject(ErrorCode code, std::int64_t fid, const std::string &lugeo_field,
                const std::string &value, const std::string &message, const std::string &note);

    /// A number in field `lugeo_field` of a feature (empty / null: none). A value that is not
    /// a number is an Error (strict) or ignored and counted (lenient).
    std::optional<double> number(const Feature &f, std::size_t index,
                                 const std::string &lugeo_field);
    /// A whole number >= 0, likewise.
    std::optional<int> count_value(const Feature &f, std::size_t index,
                                   const std::string &lugeo_field, const std::string &what);
    /// The trimmed text of a field ("" for null).
    static std::string text(const Feature &f, std::size_t index);

    /// Adds "<count> <text>" to the notes when count > 0.
    void note(std::size_t count, const std::string &text);
    /// A note without a count.
    void note(const std::string &text);
    void count_duplicate() { ++m_duplicates; }

    /// Records what was kept; no kept feature at all is an Error that says why.
    void finish(std::size_t kept, const Box &extent, const std::string &what_is_usable);

private:
    LayerSpec m_spec;
    LayerRole m_role;
    const LayerReadContext &m_ctx;
    LayerReport *m_report;
    LayerReport m_local; ///< when the caller passed no report
    std::string m_layer_name;
    std::size_t m_read = 0;
    int m_reads = 0; ///< tables read into the report
    std::size_t m_duplicates = 0;
    std::map<std::string, std::size_t> m_rejected; ///< note -> count (lenient)
    LayerReport &report() { return m_report ? *m_report : m_local; }
};

/// Extends a box by every vertex of a geometry.
void extend_box(Box &box, const Geometry &g);
/// A representative point: the first point, the middle vertex of the first line, the centroid
/// of the first polygon's outer ring (its first vertex when degenerate).
std::optional<XY> representative_point(const Geometry &g);
/// Lower-case ASCII copy.
std::string lower_ascii(std::string s);

} // namespace lugeo::detail
