// Private helpers around GDAL: registration, error capture, SRS.
#pragma once

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <string>
#include <vector>

namespace lugeo::detail {

/// Registers GDAL's drivers once.
void ensure_gdal();

/// Collects GDAL's errors (and, on request, debug messages) on this thread while alive.
class GdalErrorCapture {
public:
    explicit GdalErrorCapture(bool debug = false);
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture &) = delete;
    GdalErrorCapture &operator=(const GdalErrorCapture &) = delete;
    std::vector<std::string> errors;
    std::vector<std::string> debug_messages;
    std::size_t failures = 0; ///< CE_Failure and worse (warnings are in errors only)
    std::string last_failure; ///< the message of the last of them
    std::string last_error() const { return errors.empty() ? std::string() : errors.back(); }

private:
    bool m_debug;
    std::string m_prev_debug;
};

/// GDAL read errors (a corrupt or truncated file) met while read_layer reads features: an
/// Error naming the file and the first message, unless tolerated on this thread (lenient
/// reading: layers/reading.cpp), when they are counted here and the features read are kept.
struct ReadErrorPolicy {
    static thread_local bool tolerate;
    static thread_local std::size_t count; ///< tolerated errors of the last read_layer
};

/// An OGR spatial reference from a user definition ("EPSG:4326", WKT, PROJ), GIS axis order.
/// Returns nullptr (after capturing the error) if it cannot be parsed.
OGRSpatialReferenceH srs_from_user(const std::string &definition);

/// "EPSG:4326" when the SRS has an authority code, else its WKT.
std::string srs_to_string(OGRSpatialReferenceH srs);

} // namespace lugeo::detail
