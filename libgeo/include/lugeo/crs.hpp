// lugeo: coordinate reference systems (PROJ behind a small value-semantics wrapper).
#pragma once

#include <lugeo/types.hpp>

#include <memory>
#include <string>
#include <vector>

namespace lugeo {

/// Throws Error(crs) unless `definition` ("EPSG:4543", a PROJ string, WKT) names a CRS PROJ knows.
/// `context` (e.g. "scene.toml [scene] crs") is put into the message.
void validate_crs(const std::string &definition, const std::string &context = {});

/// True when the CRS is projected (metres), false when geographic. Throws Error(crs) if unknown.
bool is_projected_crs(const std::string &definition);

/// The WGS84 UTM zone CRS ("EPSG:326NN" north, "EPSG:327NN" south) that contains `p`.
std::string utm_crs_for(LonLat p);

/// A coordinate transformation between two CRSs, in the GIS axis order (x = east/longitude,
/// y = north/latitude) whatever the CRS's official axis order. Each instance owns its own
/// PROJ context, so one Transformer per thread is safe; a single one must not be shared.
class Transformer {
public:
    Transformer(const std::string &from, const std::string &to);
    ~Transformer();
    Transformer(Transformer &&) noexcept;
    Transformer &operator=(Transformer &&) noexcept;
    Transformer(const Transformer &) = delete;
    Transformer &operator=(const Transformer &) = delete;

    /// Transforms one position; throws Error(crs) when PROJ cannot transform it.
    XY forward(XY p) const;
    XY inverse(XY p) const;
    /// Transforms in place (faster for many points).
    void forward(std::vector<XY> &pts) const;
    void inverse(std::vector<XY> &pts) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Convenience: WGS84 <-> a metric CRS.
class MetricFrame {
public:
    explicit MetricFrame(const std::string &metric_crs);
    /// Throws Error(invalid_argument) for a longitude or latitude out of range.
    XY to_metric(LonLat p) const;
    LonLat to_lonlat(XY p) const;
    const std::string &crs() const { return m_crs; }

private:
    std::string m_crs;
    Transformer m_fwd;
};

} // namespace lugeo
