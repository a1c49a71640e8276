// 2D visibility: building walls as occluders, the exact segment test, view polygons.
//
// A point P is seen by camera C when |CP| <= range, the bearing of P lies within the
// camera's angle, and the segment CP crosses no wall. For a road segment P(t) = A + t·D
// each of these is a set of t: the range circle gives one interval (a quadratic), the
// angle one or two (half-planes through C), and each wall's shadow one interval (the
// intersection of three half-planes: beyond the wall's line, between the rays C→a and
// C→b). What is seen = circle ∩ angle − ∪ shadows, exactly.
#include "coverage/internal.hpp"
#include "geometry/geos.hpp"

#include <lugeo/error.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lugeo {

namespace {

constexpr double deg = std::numbers::pi / 180.0;

XY dir(double bearing_deg) {
    return {std::sin(bearing_deg * deg), std::cos(bearing_deg * deg)};
}
double cross(XY u, XY v) {
    return u.x * v.y - u.y * v.x;
}
double dot(XY u, XY v) {
    return u.x * v.x + u.y * v.y;
}
XY sub(XY u, XY v) {
    return {u.x - v.x, u.y - v.y};
}

/// Intersects [lo, hi] with {t : p + q·t >= 0}.
void half(double p, double q, double &lo, double &hi) {
    if (q > 0)
        lo = std::max(lo, -p / q);
    else if (q < 0)
        hi = std::min(hi, -p / q);
    else if (p < 0)
        hi = lo - 1.0; // empty
}

} // namespace

// ---- Occluders ----

struct Occluders::Impl {
    std::vector<Polygon> polys;
    std::vector<std::string> ids;
    std::vector<Box> boxes;
    std::vector<Wall> walls;
    double cell = 50.0, minx = 0, miny = 0;
    std::uint32_t nx = 0, ny = 0;
    std::vector<std::uint32_t> wall_offsets, wall_refs, poly_offsets, poly_refs;

    void cells(const Box &b, std::uint32_t &x0, std::uint32_t &y0, std::uint32_t &x1,
               std::uint32_t &y1) const {
        auto cx = [&](double x) {
            return static_cast<std::uint32_t>(std::clamp((x - minx) / cell, 0.0, double(nx - 1)));
        };
        auto cy = [&](double y) {
            return static_cast<std::uint32_t>(std::clamp((y - miny) / cell, 0.0, double(ny - 1)));
        };
        x0 = cx(b.minx), x1 = cx(b.maxx), y0 = cy(b.miny), y1 = cy(b.maxy);
    }
    bool overlaps_grid(const Box &b) const {
        return nx > 0 && b.maxx >= minx && b.maxy >= miny && b.minx <= minx + nx * cell &&
               b.miny <= miny + ny * cell;
    }
    template <class BoxOf>
    void build_grid(std::size_t n, BoxOf box_of, std::vector<std::uint32_t> &offsets,
                    std::vector<std::uint32_t> &refs) {
        offsets.assign(std::size_t(nx) * ny + 1, 0);
        for (int pass = 0; pass < 2; ++pass) {
            std::vector<std::uint32_t> fill;
            if (pass == 1) {
                for (std::size_t i = 1; i < offsets.size(); ++i)
                    offsets[i] += offsets[i - 1];
                refs.assign(offsets.back(), 0);
                fill.assign(offsets.begin(), offsets.end() - 1);
            }
            for (std::size_t i = 0; i < n; ++i) {
                std::uint32_t x0, y0, x1, y1;
                cells(box_of(i), x0, y0, x1, y1);
                for (std::uint32_t y = y0; y <= y1; ++y)
                    for (std::uint32_t x = x0; x <= x1; ++x) {
                        const std::size_t c = std::size_t(y) * nx + x;
                        if (pass == 0)
                            ++offsets[c + 1];
                        else
                            refs[fill[c]++] = static_cast<std::uint32_t>(i);
                    }
            }
        }
    }
};

Occluders::Occluders() : m_impl(std::make_unique<Impl>()) {}
Occluders::~Occluders() = default;
Occluders::Occluders(Occluders &&) noexcept = default;
Occluders &Occluders::operator=(Occluders &&) noexcept = default;

Occluders::Occluders(std::vector<Polygon> footprints, std::vector<std::string> ids, double cell_m)
    : m_impl(std::make_unique<Impl>()) {
    Impl &m = *m_impl;
    m.polys = std::move(footprints);
    m.ids = std::move(ids);
    m.ids.resize(m.polys.size());
    m.cell = cell_m > 0 ? cell_m : 50.0;
    Box all;
    for (std::uint32_t i = 0; i < m.polys.size(); ++i) {
        Box b;
        auto add_ring = [&](const Ring &r) {
            for (std::size_t k = 0; k + 1 < r.size(); ++k)
                m.walls.push_back({r[k], r[k + 1], i});
            for (XY p : r)
                b.extend(p);
        };
        add_ring(m.polys[i].outer);
        for (const Ring &h : m.polys[i].holes)
            add_ring(h);
        m.boxes.push_back(b);
        if (b.valid()) all.extend({b.minx, b.miny}), all.extend({b.maxx, b.maxy});
    }
    if (!all.valid()) return;
    m.minx = all.minx, m.miny = all.miny;
    m.nx = static_cast<std::uint32_t>(
        std::min(4096.0, std::floor((all.maxx - all.minx) / m.cell) + 1));
    m.ny = static_cast<std::uint32_t>(
        std::min(4096.0, std::floor((all.maxy - all.miny) / m.cell) + 1));
    m.cell = std::max(
        {m.cell, (all.maxx - all.minx) / m.nx * 1.000001, (all.maxy - all.miny) / m.ny * 1.000001});
    m.build_grid(
        m.walls.size(),
        [&](std::size_t i) {
            Box b;
            b.extend(m.walls[i].a), b.extend(m.walls[i].b);
            return b;
        },
        m.wall_offsets, m.wall_refs);
    m.build_grid(
        m.polys.size(), [&](std::size_t i) { return m.boxes[i]; }, m.poly_offsets, m.poly_refs);
}

std::size_t Occluders::size() const {
    return m_impl->polys.size();
}
const Polygon &Occluders::footprint(std::size_t i) const {
    return m_impl->polys[i];
}
const std::string &Occluders::id(std::size_t i) const {
    return m_impl->ids[i];
}

std::optional<std::size_t> Occluders::footprint_at(XY p) const {
    const Impl &m = *m_impl;
    Box q;
    q.extend(p);
    if (!m.overlaps_grid(q)) return std::nullopt;
    std::uint32_t x0, y0, x1, y1;
    m.cells(q, x0, y0, x1, y1);
    const std::size_t c = std::size_t(y0) * m.nx + x0;
    for (std::uint32_t k = m.poly_offsets[c]; k < m.poly_offsets[c + 1]; ++k) {
        const std::uint32_t i = m.poly_refs[k];
        const Box &b = m.boxes[i];
        if (p.x < b.minx || p.x > b.maxx || p.y < b.miny || p.y > b.maxy) continue;
        if (contains(m.polys[i], p)) return i;
    }
    return std::nullopt;
}

void Occluders::walls_near(const Box &box, std::vector<const Wall *> &out) const {
    out.clear();
    const Impl &m = *m_impl;
    if (!m.overlaps_grid(box)) return;
    std::uint32_t x0, y0, x1, y1;
    m.cells(box, x0, y0, x1, y1);
    std::vector<std::uint32_t> ids;
    for (std::uint32_t y = y0; y <= y1; ++y)
        for (std::uint32_t x = x0; x <= x1; ++x) {
            const std::size_t c = std::size_t(y) * m.nx + x;
            ids.insert(ids.end(), m.wall_refs.begin() + m.wall_offsets[c],
                       m.wall_refs.begin() + m.wall_offsets[c + 1]);
        }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (std::uint32_t i : ids)
        out.push_back(&m.walls[i]);
}

// ---- the exact test ----

namespace coverage_detail {

CameraFrame make_frame(const Camera &cam, const Occluders &occ) {
    CameraFrame f;
    f.c = cam.position;
    f.r = std::max(0.0, cam.range_m);
    f.r2 = f.r * f.r;
    f.all_around = cam.all_around();
    if (!f.all_around) {
        const double h = std::max(0.0, cam.hfov_deg) / 2.0;
        f.convex = h <= 90.0;
        const XY dl = dir(cam.heading_deg - h), dr = dir(cam.heading_deg + h);
        f.n1 = {dl.y, -dl.x}; // clockwise 90°: towards the heading
        f.n2 = {-dr.y, dr.x}; // counter-clockwise 90°
    }
    Box b;
    b.extend({f.c.x - f.r, f.c.y - f.r});
    b.extend({f.c.x + f.r, f.c.y + f.r});
    std::vector<const Occluders::Wall *> near;
    occ.walls_near(b, near);
    for (const auto *w : near) {
        double t;
        const XY q = closest_on_segment(w->a, w->b, f.c, t);
        if (distance(q, f.c) > f.r) continue;
        if (std::abs(cross(sub(w->b, w->a), sub(f.c, w->a))) <=
            1e-12 * (1.0 + dot(sub(w->b, w->a), sub(w->b, w->a))))
            continue; // the camera is on the wall's line: no area in its shadow
        f.walls.push_back(w);
    }
    return f;
}

void segment_visible(const CameraFrame &f, XY a, XY b, std::vector<TInterval> &out,
                     std::vector<TInterval> &scratch) {
    const XY d = sub(b, a), q0 = sub(a, f.c);
    // range circle: |q0 + t d|^2 <= r^2
    const double A = dot(d, d), B = 2.0 * dot(q0, d), C = dot(q0, q0) - f.r2;
    double lo = 0.0, hi = 1.0;
    if (A <= 0.0) return; // zero-length segment: no length to cover
    const double disc = B * B - 4.0 * A * C;
    if (disc < 0.0) return;
    const double sq = std::sqrt(disc);
    lo = std::max(lo, (-B - sq) / (2.0 * A));
    hi = std::min(hi, (-B + sq) / (2.0 * A));
    if (!(lo < hi)) return;

    // the angle
    TInterval base[2];
    int nbase = 0;
    if (f.all_around) {
        base[nbase++] = {lo, hi};
    } else if (f.convex) {
        double l = lo, h = hi;
        half(dot(q0, f.n1), dot(d, f.n1), l, h);
        half(dot(q0, f.n2), dot(d, f.n2), l, h);
        if (l < h) base[nbase++] = {l, h};
    } else {
        // blind wedge = {q·n1 < 0} ∩ {q·n2 < 0}: remove it from [lo, hi]
        double l = lo, h = hi;
        half(-dot(q0, f.n1), -dot(d, f.n1), l, h);
        half(-dot(q0, f.n2), -dot(d, f.n2), l, h);
        if (!(l < h)) {
            base[nbase++] = {lo, hi};
        } else {
            if (lo < l) base[nbase++] = {lo, l};
            if (h < hi) base[nbase++] = {h, hi};
        }
    }
    if (nbase == 0) return;

    // shadows
    scratch.clear();
    const double span_lo = base[0].first, span_hi = base[nbase - 1].second;
    for (const auto *w : f.walls) {
        const XY ab = sub(w->b, w->a);
        const double s0 = cross(ab, sub(f.c, w->a));
        const double sgn = s0 > 0 ? 1.0 : -1.0;
        double l = span_lo, h = span_hi;
        // beyond the wall's line (opposite side from C): -sgn·cross(ab, P - a) >= 0
        const XY pa = sub(a, w->a);
        half(-sgn * cross(ab, pa), -sgn * cross(ab, d), l, h);
        if (!(l < h)) continue;
        // between the rays C->a and C->b
        const XY ca = sub(w->a, f.c), cb = sub(w->b, f.c);
        const double s1 = cross(ca, cb) > 0 ? 1.0 : -1.0;
        half(s1 * cross(ca, q0), s1 * cross(ca, d), l, h);
        half(-s1 * cross(cb, q0), -s1 * cross(cb, d), l, h);
        if (l < h) scratch.emplace_back(l, h);
    }
    if (scratch.empty()) {
        for (int i = 0; i < nbase; ++i)
            out.push_back(base[i]);
        return;
    }
    std::sort(scratch.begin(), scratch.end());
    for (int i = 0; i < nbase; ++i) {
        double cur = base[i].first;
        const double end = base[i].second;
        for (const auto &[sl, sh] : scratch) {
            if (sh <= cur) continue;
            if (sl >= end) break;
            if (sl > cur) out.emplace_back(cur, sl);
            cur = std::max(cur, sh);
            if (cur >= end) break;
        }
        if (cur < end) out.emplace_back(cur, end);
    }
}

std::optional<CameraIssue> relocate(Camera &cam, const Occluders &occ, double max_m, bool &blind) {
    blind = false;
    const auto inside = occ.footprint_at(cam.position);
    if (!inside) return std::nullopt;
    const Polygon &poly = occ.footprint(*inside);
    double best = INFINITY;
    XY best_q, best_a, best_b;
    auto scan = [&](const Ring &r) {
        for (std::size_t k = 0; k + 1 < r.size(); ++k) {
            double t;
            const XY q = closest_on_segment(r[k], r[k + 1], cam.position, t);
            const double dd = distance(q, cam.position);
            if (dd < best) best = dd, best_q = q, best_a = r[k], best_b = r[k + 1];
        }
    };
    scan(poly.outer);
    for (const Ring &h : poly.holes)
        scan(h);
    CameraIssue issue;
    issue.building = occ.id(*inside);
    issue.distance_m = best;
    if (!(best <= max_m)) {
        issue.kind = CameraIssue::Kind::inside_building;
        blind = true;
        return issue;
    }
    // 0.1 m outside the wall, along its normal (the side not inside the footprint)
    const XY w = sub(best_b, best_a);
    const double len = std::hypot(w.x, w.y);
    XY n = len > 0 ? XY{-w.y / len, w.x / len} : XY{1, 0};
    XY p = {best_q.x + 0.1 * n.x, best_q.y + 0.1 * n.y};
    if (contains(poly, p)) p = {best_q.x - 0.1 * n.x, best_q.y - 0.1 * n.y};
    if (occ.footprint_at(p)) { // a wall shared with a neighbour: no way out here
        issue.kind = CameraIssue::Kind::inside_building;
        blind = true;
        return issue;
    }
    issue.kind = CameraIssue::Kind::moved_out_of_building;
    issue.distance_m = distance(p, cam.position);
    cam.position = p;
    return issue;
}

} // namespace coverage_detail

bool camera_sees(const Camera &cam, const Occluders &occ, XY p) {
    const auto f = coverage_detail::make_frame(cam, occ);
    if (distance(p, f.c) > f.r) return false;
    // a tiny segment ending at p
    const XY q = sub(p, f.c);
    const double len = std::hypot(q.x, q.y);
    if (len == 0.0) return true;
    if (!f.all_around) {
        const bool in1 = dot(q, f.n1) >= 0, in2 = dot(q, f.n2) >= 0;
        if (f.convex ? !(in1 && in2) : !(in1 || in2)) return false;
    }
    for (const auto *w : f.walls) {
        // proper crossing of C–p with the wall
        const XY ab = sub(w->b, w->a);
        const double d1 = cross(ab, sub(f.c, w->a)), d2 = cross(ab, sub(p, w->a));
        const double d3 = cross(q, sub(w->a, f.c)), d4 = cross(q, sub(w->b, f.c));
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
            ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
            return false;
    }
    return true;
}

std::vector<Interval> visible_intervals(const Camera &cam, const Occluders &occ,
                                        std::span<const XY> line) {
    std::vector<Interval> out;
    if (line.size() < 2) return out;
    const auto f = coverage_detail::make_frame(cam, occ);
    std::vector<coverage_detail::TInterval> ts, scratch;
    double cum = 0.0;
    for (std::size_t k = 0; k + 1 < line.size(); ++k) {
        const double seg = distance(line[k], line[k + 1]);
        ts.clear();
        coverage_detail::segment_visible(f, line[k], line[k + 1], ts, scratch);
        for (const auto &[t0, t1] : ts)
            out.push_back({cum + t0 * seg, cum + t1 * seg});
        cum += seg;
    }
    merge_intervals(out);
    return out;
}

MultiPolygon view_polygon(const Camera &cam, const Occluders &occ, double arc_step_deg) {
    const auto f = coverage_detail::make_frame(cam, occ);
    if (f.r <= 0.0) return {};
    const double step = std::clamp(arc_step_deg, 0.1, 30.0);
    Polygon sector;
    if (f.all_around) {
        const int n = std::max(8, static_cast<int>(std::ceil(360.0 / step)));
        for (int i = 0; i < n; ++i) {
            const XY u = dir(360.0 * i / n);
            sector.outer.push_back({f.c.x + f.r * u.x, f.c.y + f.r * u.y});
        }
    } else {
        const double h = cam.hfov_deg / 2.0;
        const int n = std::max(1, static_cast<int>(std::ceil(cam.hfov_deg / step)));
        sector.outer.push_back(f.c);
        for (int i = 0; i <= n; ++i) {
            const XY u = dir(cam.heading_deg - h + cam.hfov_deg * i / n);
            sector.outer.push_back({f.c.x + f.r * u.x, f.c.y + f.r * u.y});
        }
    }
    sector.outer.push_back(sector.outer.front());
    if (f.walls.empty()) return {sector};

    std::vector<geos::GeomPtr> shadows;
    for (const auto *w : f.walls) {
        const XY ca = sub(w->a, f.c), cb = sub(w->b, f.c);
        const double la = std::hypot(ca.x, ca.y), lb = std::hypot(cb.x, cb.y);
        if (la < 1e-6 || lb < 1e-6) continue;
        const double rf = std::max(2.0 * f.r, 1.01 * std::max(la, lb));
        double ba = std::atan2(ca.x, ca.y) / deg, bb = std::atan2(cb.x, cb.y) / deg;
        double span = ba - bb; // from b's bearing to a's, the short way
        while (span > 180.0)
            span -= 360.0;
        while (span < -180.0)
            span += 360.0;
        Polygon s;
        s.outer = {w->a, w->b};
        const int n = std::max(1, static_cast<int>(std::ceil(std::abs(span) / 5.0)));
        for (int i = 0; i <= n; ++i) {
            const XY u = dir(bb + span * i / n);
            s.outer.push_back({f.c.x + rf * u.x, f.c.y + rf * u.y});
        }
        s.outer.push_back(w->a);
        shadows.push_back(geos::polygon(s));
    }
    if (shadows.empty()) return {sector};
    auto all = geos::unary_union(geos::collect(std::move(shadows)).get());
    auto view = geos::difference(geos::polygon(sector).get(), all.get());
    return geos::to_multi_polygon(view.get());
}

} // namespace lugeo
