#include "io/gdal_util.hpp"

#include <cpl_conv.h>
#include <ogr_api.h>

#include <mutex>

namespace lugeo::detail {

void ensure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // Deterministic GeoPackages: no wall-clock timestamps in gpkg_contents.
        if (!CPLGetConfigOption("OGR_CURRENT_DATE", nullptr))
            CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    });
}

thread_local bool ReadErrorPolicy::tolerate = false;
thread_local std::size_t ReadErrorPolicy::count = 0;

namespace {
void CPL_STDCALL capture_handler(CPLErr cls, CPLErrorNum, const char *msg) {
    auto *self = static_cast<GdalErrorCapture *>(CPLGetErrorHandlerUserData());
    if (!self || !msg) return;
    if (cls == CE_Debug)
        self->debug_messages.emplace_back(msg);
    else if (cls >= CE_Warning)
        self->errors.emplace_back(msg);
    if (cls >= CE_Failure) {
        ++self->failures;
        self->last_failure = msg;
    }
}
} // namespace

GdalErrorCapture::GdalErrorCapture(bool debug) : m_debug(debug) {
    ensure_gdal();
    CPLPushErrorHandlerEx(capture_handler, this);
    if (debug) {
        const char *prev = CPLGetThreadLocalConfigOption("CPL_DEBUG", nullptr);
        m_prev_debug = prev ? prev : "";
        CPLSetThreadLocalConfigOption("CPL_DEBUG", "ON");
    }
}

GdalErrorCapture::~GdalErrorCapture() {
    if (m_debug)
        CPLSetThreadLocalConfigOption("CPL_DEBUG",
                                      m_prev_debug.empty() ? nullptr : m_prev_debug.c_str());
    CPLPopErrorHandler();
}

OGRSpatialReferenceH srs_from_user(const std::string &definition) {
    ensure_gdal();
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    if (OSRSetFromUserInput(srs, definition.c_str()) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return nullptr;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::string srs_to_string(OGRSpatialReferenceH srs) {
    if (!srs) return {};
    OGRSpatialReferenceH copy = OSRClone(srs);
    OSRAutoIdentifyEPSG(copy);
    const char *target =
        OSRIsProjected(copy) ? "PROJCS" : (OSRIsGeographic(copy) ? "GEOGCS" : nullptr);
    const char *name = OSRGetAuthorityName(copy, target);
    const char *code = OSRGetAuthorityCode(copy, target);
    std::string out;
    if (name && code) {
        out = std::string(name) + ":" + code;
    } else {
        char *wkt = nullptr;
        const char *opts[] = {"FORMAT=WKT2_2019", nullptr};
        if (OSRExportToWktEx(copy, &wkt, opts) == OGRERR_NONE && wkt) out = wkt;
        CPLFree(wkt);
    }
    OSRDestroySpatialReference(copy);
    return out;
}

} // namespace lugeo::detail
