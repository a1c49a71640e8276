// Private: a GeoPackage layer's R-tree spatial index (the gpkg_rtree_index extension),
// bulk-loaded. GDAL 3.6 (Debian 12) fills the index after the features are written by
// SQLite's one-by-one R*Tree insertion: 5.2 s of the 6.7 s that copying 403,000 road pieces
// takes (GDAL 3.8 bulk-loads it: OSGeo/gdal#8596). Here the tree is packed in memory (sort-
// tile-recursive, full nodes) and written into SQLite's own tables of the index at once; the
// triggers and the extension's row are the ones GDAL writes, so the index stays current when
// the layer is edited (QGIS, ogr2ogr -update), and SQLite's rtreecheck() accepts it.
#pragma once

#include <gdal.h>

#include <cstdint>
#include <string>
#include <vector>

namespace lugeo::detail {

/// A feature's id and bounding box, as stored.
struct FeatureBox {
    std::int64_t fid;
    double minx, maxx, miny, maxy;
};

/// Creates the R-tree index of `table`.`column` in GeoPackage `ds` (a layer created with
/// SPATIAL_INDEX=NO): the virtual table with `boxes` (one per feature with a non-empty
/// geometry) packed into it, its triggers, and the gpkg_extensions row; in one transaction.
/// Returns "" or what went wrong.
std::string write_gpkg_rtree(GDALDatasetH ds, const std::string &table, const std::string &column,
                             std::vector<FeatureBox> boxes);

} // namespace lugeo::detail
