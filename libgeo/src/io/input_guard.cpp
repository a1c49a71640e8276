// Inputs are never touched (see lugeo/input_guard.hpp).
#include <lugeo/error.hpp>
#include <lugeo/input_guard.hpp>
#include <lugeo/io.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <sys/stat.h>

namespace lugeo {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_regular(const std::string &p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// The archive behind a /vsizip/… style path ("" when none is a local file).
std::string archive_of(std::string rest) {
    // chained: /vsizip//vsigzip/x.gz… -> the innermost local part
    while (rest.rfind("/vsi", 0) == 0) {
        static const std::array<const char *, 6> prefixes = {
            "/vsizip/", "/vsigzip/", "/vsitar/", "/vsi7z/", "/vsirar/", "/vsisubfile/"};
        bool found = false;
        for (const char *p : prefixes) {
            const std::string pre(p);
            if (rest.rfind(pre, 0) == 0) {
                rest = rest.substr(pre.size());
                found = true;
                break;
            }
        }
        if (!found) return {}; // /vsicurl/, /vsimem/, /vsis3/ …: nothing local
    }
    if (!rest.empty() && rest.front() == '{') {
        const auto close = rest.find('}');
        return close == std::string::npos ? std::string() : rest.substr(1, close - 1);
    }
    // the longest prefix that is a regular file
    for (std::size_t i = rest.size(); i > 0; --i) {
        if (i != rest.size() && rest[i] != '/') continue;
        const std::string head = rest.substr(0, i);
        if (is_regular(head)) return head;
    }
    return rest;
}

} // namespace

std::vector<std::string> source_files(const std::string &source) {
    std::vector<std::string> out;
    if (source.empty()) return out;
    std::string path = source;
    if (source.rfind("/vsi", 0) == 0) {
        path = archive_of(source);
        if (path.empty()) return out;
        out.push_back(path);
        return out;
    }
    if (is_virtual_source(source)) return out; // PG:…, a connection
    out.push_back(path);
    const fs::path p(path);
    const std::string ext = lower(p.extension().string());
    auto with = [&](const char *e) {
        fs::path q = p;
        q.replace_extension(e);
        out.push_back(q.string());
    };
    if (ext == ".shp" || ext == ".shx" || ext == ".dbf") {
        for (const char *e : {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx"})
            with(e);
    } else if (ext == ".gpkg" || ext == ".sqlite" || ext == ".db") {
        for (const char *e : {"-wal", "-shm", "-journal"})
            out.push_back(path + e);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

bool same_file(const std::string &a, const std::string &b) {
    struct stat sa {
    }, sb{};
    if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    std::error_code ea, eb;
    const fs::path ca = fs::weakly_canonical(a, ea), cb = fs::weakly_canonical(b, eb);
    if (ea || eb) return fs::path(a).lexically_normal() == fs::path(b).lexically_normal();
    return ca == cb;
}

void check_outputs_not_inputs(const std::vector<InputFile> &inputs,
                              const std::vector<std::string> &outputs) {
    for (const std::string &out : outputs) {
        check_path_length(out);
        const std::vector<std::string> out_files = source_files(out);
        for (const InputFile &in : inputs) {
            const std::string what = in.what.empty() ? "an input" : in.what;
            for (const std::string &inf : source_files(in.source))
                for (const std::string &of : out_files)
                    if (same_file(inf, of)) {
                        ErrorContext c = ErrorContext::of_file(out);
                        c.parameter = "output";
                        throw Error(ErrorCode::invalid_argument, c,
                                    "this output would overwrite '" + inf + "', " + what + " (" +
                                        in.source +
                                        "); lugeo never overwrites an input: choose another "
                                        "output name");
                    }
            // a Shapefile written into a folder that is an input dataset adds a layer to it
            std::error_code ec;
            if (!in.source.empty() && !is_virtual_source(in.source) &&
                fs::is_directory(in.source, ec) &&
                lower(fs::path(out).extension().string()) == ".shp") {
                const fs::path parent =
                    fs::path(out).has_parent_path() ? fs::path(out).parent_path() : fs::path(".");
                if (same_file(parent.string(), in.source)) {
                    ErrorContext c = ErrorContext::of_file(out);
                    c.parameter = "output";
                    throw Error(ErrorCode::invalid_argument, c,
                                "this Shapefile would be written into the folder '" + in.source +
                                    "', which is " + what +
                                    " (a folder dataset); lugeo never overwrites an input: choose "
                                    "another folder");
                }
            }
        }
    }
}

void check_path_length(const std::string &path) {
    if (path.size() > 4095)
        throw Error(ErrorCode::io, ErrorContext::of_file(printable_value(path)),
                    "the path is " + std::to_string(path.size()) +
                        " bytes long; the file system accepts at most 4095");
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        if (slash - start > 255)
            throw Error(ErrorCode::io, ErrorContext::of_file(printable_value(path)),
                        "a name in the path is " + std::to_string(slash - start) +
                            " bytes long ('" + printable_value(path.substr(start, slash - start)) +
                            "'); the file system accepts at most 255 bytes per name");
        start = slash + 1;
    }
}

void check_readable_source(const std::string &source, const std::string &what) {
    if (source.empty() || is_virtual_source(source)) return;
    check_path_length(source);
    struct stat st {};
    if (::stat(source.c_str(), &st) != 0) return;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return;
    const char *kind = S_ISFIFO(st.st_mode)   ? "a FIFO (named pipe)"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                                              : "not a regular file";
    throw Error(ErrorCode::io, ErrorContext::of_file(source),
                std::string(what.empty() ? "the source" : what) + " is " + kind +
                    "; lugeo reads regular files, folder datasets, /vsi paths and database "
                    "connections only (reading this could block forever)");
}

} // namespace lugeo
