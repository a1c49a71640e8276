# The dispatcher page of `lugeo serve` (cli/serve/www/) and Debian's Leaflet: where the server
# finds them (the build tree's sources first, then the installed copy; docs/serve-page.md).
# Included from cli/CMakeLists.txt after the lugeo_cli target exists.
set(LUGEO_SOURCE_WWW_DIR "${PROJECT_SOURCE_DIR}/cli/serve/www")
set(LUGEO_INSTALL_WWW_DIR "${CMAKE_INSTALL_FULL_DATADIR}/lugeo/www")

# Leaflet is not copied: it stays Debian's package (libjs-leaflet, tools/setup.sh), found here
# and served from there under /static/leaflet/.
find_path(LUGEO_LEAFLET_DIR leaflet.js
    PATHS /usr/share/javascript/leaflet
    DOC "Folder with leaflet.js and leaflet.css (Debian: libjs-leaflet)"
    NO_DEFAULT_PATH)
if(NOT LUGEO_LEAFLET_DIR)
    message(WARNING "Leaflet not found (apt-get install libjs-leaflet): `lugeo serve` will "
                    "answer the API but its map page will not load")
    set(LUGEO_LEAFLET_DIR_VALUE "/usr/share/javascript/leaflet")
else()
    set(LUGEO_LEAFLET_DIR_VALUE "${LUGEO_LEAFLET_DIR}")
endif()

target_compile_definitions(lugeo_cli PRIVATE
    LUGEO_SOURCE_WWW_DIR="${LUGEO_SOURCE_WWW_DIR}"
    LUGEO_INSTALL_WWW_DIR="${LUGEO_INSTALL_WWW_DIR}"
    LUGEO_LEAFLET_DIR="${LUGEO_LEAFLET_DIR_VALUE}")

install(DIRECTORY "${LUGEO_SOURCE_WWW_DIR}/" DESTINATION "${CMAKE_INSTALL_DATADIR}/lugeo/www")
