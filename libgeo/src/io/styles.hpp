// QGIS styles (QML) for the layers lugeo writes, stored in a GeoPackage's `layer_styles` table
// so that QGIS applies them when the layer is opened.
#pragma once

#include <lugeo/geometry.hpp>

#include <string>
#include <vector>

namespace lugeo::detail {

/// What a style needs to know about a layer.
struct StyleInput {
    std::string layer; ///< lugeo's layer name (without a prefix)
    Geometry::Type geometry = Geometry::Type::none;
    std::vector<std::string> fields; ///< the layer's fields
    /// distinct values of the categorised field (zones: kiosk), in order
    std::vector<std::string> categories;
    std::vector<double> classes; ///< distinct values of the graduated field (minutes), ascending
};

/// The field a layer's style categorises, or graduates, by ("": neither); one of `in.fields`.
std::string style_category_field(const StyleInput &in);
std::string style_graduated_field(const StyleInput &in);

/// The QML of a layer's style; "" when lugeo has none for it. Every field it names is one of
/// `in.fields`.
std::string style_qml(const StyleInput &in);

} // namespace lugeo::detail
