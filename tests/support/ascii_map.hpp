// Road networks for tests written as ASCII maps (in the spirit of Valhalla's gurka):
//
//   const AsciiMap map(R"(
//       A---B---C
//           |
//           D
//   )", 10.0);                                   // one character = 10 m
//   auto net = map.build({{"ABC", "residential"}, {"BD", "primary", "yes"}});
//
// Letters are nodes; a way is the sequence of letters it passes through (geometry
// straight between them). Coordinates: x = column * cell, y = -row * cell (north up).
#pragma once

#include <lugeo/network.hpp>

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lugeo::test {

struct AsciiWay {
    std::string nodes; ///< "ABC"
    std::string road_class = "residential";
    std::string oneway; ///< "", "yes", "-1", …
    std::string name;
    std::string junction;
    std::string maxspeed;
};

class AsciiMap {
public:
    explicit AsciiMap(const std::string &text, double cell_m = 10.0) {
        std::istringstream in(text);
        std::string line;
        int row = 0;
        while (std::getline(in, line)) {
            for (std::size_t col = 0; col < line.size(); ++col) {
                const char c = line[col];
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                    m_pos[c] =
                        XY{static_cast<double>(col) * cell_m, -static_cast<double>(row) * cell_m};
            }
            ++row;
        }
    }
    XY at(char node) const {
        auto it = m_pos.find(node);
        if (it == m_pos.end())
            throw std::runtime_error(std::string("no node ") + node + " in the map");
        return it->second;
    }
    std::vector<RoadInput> roads(const std::vector<AsciiWay> &ways) const {
        std::vector<RoadInput> out;
        std::int64_t fid = 0;
        for (const auto &w : ways) {
            RoadInput r;
            for (char c : w.nodes)
                r.line.push_back(at(c));
            r.road_class = w.road_class;
            r.oneway = w.oneway;
            r.name = w.name.empty() ? w.nodes : w.name;
            r.junction = w.junction;
            r.maxspeed = w.maxspeed;
            r.fid = fid++;
            out.push_back(std::move(r));
        }
        return out;
    }
    Network build(const std::vector<AsciiWay> &ways, const NetworkOptions &opt = {}) const {
        return build_network(roads(ways), "EPSG:32648", opt);
    }

private:
    std::map<char, XY> m_pos;
};

} // namespace lugeo::test
