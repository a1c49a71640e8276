// lugeo: small value types shared by every module.
#pragma once

namespace lugeo {

/// A position in the scene's metric CRS (metres; x east, y north).
struct XY {
    double x = 0.0;
    double y = 0.0;
};

/// A WGS84 position in degrees (longitude first, as GeoJSON and GDAL's traditional GIS order).
struct LonLat {
    double lon = 0.0;
    double lat = 0.0;
};

} // namespace lugeo
