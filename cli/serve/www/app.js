// The dispatcher page of `lugeo serve` (docs/serve-page.md). Plain browser JavaScript, no
// build step: Leaflet (Debian's libjs-leaflet) draws the scene's own layers, and every answer
// comes from the server's JSON endpoints (docs/serve.md). All interface text is in STRINGS.
'use strict';

(function () {

// ---------------------------------------------------------------------------------------
// Interface text: one table, Chinese by default, English with ?lang=en or the toggle.
// ---------------------------------------------------------------------------------------
const STRINGS = {
  zh: {
    title: 'lugeo 接警调度',
    lang_toggle: 'English',
    plate_label: '杆号 / 牌号（照报读即可）',
    plate_placeholder: '如 L104-0001、路灯幺洞四洞洞洞幺、Ｇ１０１００１０',
    near_label: '报警人位置（可选：经度,纬度[,半径米]）',
    near_placeholder: '104.0695,30.6812 或从地图应用粘贴',
    crs_title: '坐标系：从高德/腾讯粘贴选 GCJ-02，从百度粘贴选 BD-09',
    crs_wgs84: 'WGS84（GPS 定位）',
    crs_cgcs2000: 'CGCS2000（国家大地坐标系）',
    crs_gcj02: 'GCJ-02（高德/腾讯）',
    crs_bd09: 'BD-09（百度）',
    pick_near: '图上选',
    pick_near_title: '在地图上点一下作为报警人位置',
    pick_near_active: '请在地图上点击报警人位置',
    search: '查询',
    searching: '查询中…',
    loading_map: '正在加载地图图层…',
    map_loaded: '地图已加载（{ms} 毫秒）',
    need_token: '需要访问令牌：请在地址后加 ?token=…',
    server_error: '服务器错误：{msg}',
    network_error: '无法连接服务器：{msg}',
    near_bad: '位置看不懂：{text}（应为 经度,纬度）',
    near_swapped: '已按 纬度,经度 理解并调换：{lon}, {lat}',
    near_mercator: '这是百度墨卡托坐标（米），请在百度地图复制经纬度',
    near_guess_crs: '来自{app}的链接，坐标系已设为 {crs}',
    near_set: '报警人位置：{lon}, {lat}',
    app_amap: '高德', app_baidu: '百度', app_qq: '腾讯',
    normalized: '规范化为',
    match_exact: '精确匹配',
    match_exact_far: '精确匹配，但离报警人远：请与报警人核对号码',
    match_exact_far_pair: '精确匹配，但与第二个号码不相邻：请核对两个号码',
    match_fuzzy: '没有这个号码的杆子；按误读模型列出候选：',
    match_none: '没有匹配的杆子，也没有可能误读成它的号码',
    match_invalid: '不是杆号：{err}',
    none_near: '报警人附近（{r} 米内）没有符合的杆子。附近的杆子：',
    none_near_short: '报警人附近没有符合的杆子',
    position_ignored: '报警人位置在场景范围外，未使用',
    confidence: '可信度',
    distance_from_caller: '距报警人 {d} 米',
    ask_road: '请问路名（{detail}）',
    ask_side: '请问在道路哪一侧（{detail}）',
    ask_also: '请报警人再报附近另一根杆子的号码（{detail}）',
    ask_label: '区分候选需问：',
    ask_road_input: '路名',
    ask_also_input: '第二个杆号',
    ask_apply: '再查',
    cross_street: '路口',
    click_to_incident: '点击设为警情位置',
    incident: '警情位置',
    incident_loading: '正在查询警情周边…',
    plate: '杆号',
    zone: '巡区',
    grid: '网格',
    outside_zone: '不在任何巡区内',
    outside_grid: '不在任何网格内',
    no_zone_layer: '场景无巡区图层',
    no_grid_layer: '场景无网格图层',
    junction: '最近路口 {d} 米',
    cameras: '摄像机',
    cameras_seeing: '{n} 台看得到该点（500 米内）',
    sees: '看得到',
    in_sector_blocked: '在视野扇区内但被建筑遮挡',
    not_facing: '未朝向该点',
    from_camera: '距摄像机 {d} 米',
    rings: '直线距离内警力',
    ring_units: '{r} 米内：{list}',
    none: '无',
    by_road: '按道路最近警力（{profile}，到达警情用时，考虑单行道）',
    profile_car: '汽车', profile_ebike: '电动车', profile_walk: '步行',
    minutes: '{m} 分钟',
    straight: '直线 {d} 米',
    no_units_by_road: '30 分钟内没有可到达的警力',
    off_network: '警情位置 500 米内没有可通行的道路（在场景范围外？）',
    seal: '封控方案',
    seal_loading: '正在计算封控方案…',
    seal_sealed: '可封控：{n} 个卡点，{t} 内合围',
    seal_not_sealed: '无法完全封控：{reason}',
    seal_unavailable: '封控方案不可用',
    seal_block: '{unit} → {roads}，{t}到达',
    units_moved: '警力位置已更新',
    unit_status_available: '可用', unit_status_busy: '忙碌', unit_status_off_duty: '下班',
    unit_last_seen: '最后位置：{t}',
    unit_source_scene: '场景数据',
    unit_source_live: '实时',
    kind_kiosk: '移动警务站', kind_station: '派出所', kind_community_room: '社区警务室',
    kind_pole: '电杆', kind_lamp: '路灯',
    layer_roads: '道路', layer_buildings: '建筑', layer_zones: '巡区', layer_grids: '网格',
    layer_cameras: '摄像机', layer_units: '警力', layer_incident: '警情',
    status_ok: '完好', status_damaged: '损坏', status_missing: '缺失',
    seal_reason_no_ring_in_time: '没有来得及的合围圈：每条出路上都有嫌疑人先到、警力赶不到的地方',
    seal_reason_too_many_ways_out: '出路太多：每个合围圈需要的卡点都多于警力',
    seal_reason_too_few_units_near: '附近警力太少：每个合围圈都有两个卡点只有同一警力能及时赶到',
    seal_reason_already_out: '嫌疑人已在区域外（警情在区域边缘）',
    seal_within: '（嫌疑人{suspect}，{t}内）',
    suspect_car: '驾车', suspect_ebike: '骑电动车', suspect_walk: '步行',
    camera_dome: '球机', camera_bullet: '枪机', camera_ptz: '云台', camera_checkpoint: '卡口',
    explanation_exact: '精确',
    colon: '：',
    list_sep: '，',
    seal_open: '缺口：{roads}（嫌疑人{t}后可出圈）{why}',
    why: {
      'every unit that reaches it arrives after the suspect': '能到的警力都晚于嫌疑人',
      'no unit reaches it within the ring time': '合围时限内没有警力能到',
      'the units that reach it in time hold other blocks': '能及时赶到的警力都在守别的卡点',
      'the suspect is out there': '嫌疑人已可从此出圈',
      'not blocked': '未设卡',
      'outside': '在区域外',
    },
    legend: '图例',
    legend_incident: '警情位置', legend_rings: '100/300/500 米圈', legend_sees: '看得到警情的摄像机视野',
    legend_sector_blocked: '视野扇区内但被遮挡', legend_camera: '摄像机', legend_candidate: '候选杆位（可信度）',
    legend_caller: '报警人位置', legend_block: '封控卡点', legend_open: '封控缺口',
    legend_units: '警力：亭 移动警务站 · 所 派出所 · 室 社区警务室（黄圈：本警情最近；灰：忙碌/下班）',
  },
  en: {
    title: 'lugeo dispatch',
    lang_toggle: '中文',
    plate_label: 'Plate ID (as the caller reads it)',
    plate_placeholder: 'e.g. L104-0001, 路灯幺洞四洞洞洞幺, Ｇ１０１００１０',
    near_label: 'Caller position (optional: lon,lat[,radius m])',
    near_placeholder: '104.0695,30.6812 or paste from a map app',
    crs_title: 'Coordinate system: GCJ-02 when pasted from Amap/Tencent, BD-09 from Baidu',
    crs_wgs84: 'WGS84 (GPS)',
    crs_cgcs2000: 'CGCS2000 (national datum)',
    crs_gcj02: 'GCJ-02 (Amap/Tencent)',
    crs_bd09: 'BD-09 (Baidu)',
    pick_near: 'Pick',
    pick_near_title: 'Click the map to set the caller position',
    pick_near_active: 'Click the caller position on the map',
    search: 'Search',
    searching: 'Searching…',
    loading_map: 'Loading map layers…',
    map_loaded: 'Map loaded ({ms} ms)',
    need_token: 'An access token is needed: add ?token=… to the address',
    server_error: 'Server error: {msg}',
    network_error: 'Cannot reach the server: {msg}',
    near_bad: 'Cannot read the position: {text} (expected lon,lat)',
    near_swapped: 'Read as lat,lon and swapped: {lon}, {lat}',
    near_mercator: 'These are Baidu Mercator metres; copy the longitude/latitude in Baidu Maps',
    near_guess_crs: 'A link from {app}: coordinate system set to {crs}',
    near_set: 'Caller position: {lon}, {lat}',
    app_amap: 'Amap', app_baidu: 'Baidu', app_qq: 'Tencent',
    normalized: 'normalised to',
    match_exact: 'Exact match',
    match_exact_far: 'Exact match, but FAR from the caller: check the number with the caller',
    match_exact_far_pair: 'Exact match, but not beside the second plate: check both numbers',
    match_fuzzy: 'No plate has this number; candidates under the misreading model:',
    match_none: 'No plate matches, and no misreading of it is a plate',
    match_invalid: 'Not a plate ID: {err}',
    none_near: 'No matching plate near the caller (within {r} m). Plates nearby:',
    none_near_short: 'No matching plate near the caller',
    position_ignored: 'The caller position is outside the scene and was not used',
    confidence: 'confidence',
    distance_from_caller: '{d} m from the caller',
    ask_road: 'Ask the road name ({detail})',
    ask_side: 'Ask which side of the road ({detail})',
    ask_also: 'Ask the caller for another plate nearby ({detail})',
    ask_label: 'To tell the candidates apart:',
    ask_road_input: 'road name',
    ask_also_input: 'second plate',
    ask_apply: 'Search again',
    cross_street: 'junction',
    click_to_incident: 'Click to make it the incident',
    incident: 'Incident',
    incident_loading: 'Looking up the surroundings…',
    plate: 'plate',
    zone: 'Patrol zone',
    grid: 'Grid',
    outside_zone: 'outside every zone',
    outside_grid: 'outside every grid',
    no_zone_layer: 'the scene has no zones layer',
    no_grid_layer: 'the scene has no grids layer',
    junction: 'nearest junction {d} m',
    cameras: 'Cameras',
    cameras_seeing: '{n} see the point (within 500 m)',
    sees: 'sees it',
    in_sector_blocked: 'in its sector but behind a building',
    not_facing: 'does not face it',
    from_camera: '{d} m from the camera',
    rings: 'Units in a straight line',
    ring_units: 'within {r} m: {list}',
    none: 'none',
    by_road: 'Nearest units by road ({profile}, time to reach the incident, one-way streets respected)',
    profile_car: 'car', profile_ebike: 'e-bike', profile_walk: 'walk',
    minutes: '{m} min',
    straight: '{d} m straight',
    no_units_by_road: 'No unit can reach it within 30 minutes',
    off_network: 'No usable road within 500 m of the incident (outside the scene?)',
    seal: 'Seal-off plan',
    seal_loading: 'Planning the seal-off…',
    seal_sealed: 'Sealed: {n} blocks, ring closed in {t}',
    seal_not_sealed: 'Cannot be sealed completely: {reason}',
    seal_unavailable: 'Seal-off plan not available',
    seal_block: '{unit} → {roads}, arrives in {t}',
    units_moved: 'Unit positions updated',
    unit_status_available: 'available', unit_status_busy: 'busy', unit_status_off_duty: 'off duty',
    unit_last_seen: 'last seen {t}',
    unit_source_scene: 'scene data',
    unit_source_live: 'live',
    kind_kiosk: 'police kiosk', kind_station: 'police station', kind_community_room: 'community room',
    kind_pole: 'pole', kind_lamp: 'lamp',
    layer_roads: 'Roads', layer_buildings: 'Buildings', layer_zones: 'Patrol zones', layer_grids: 'Grid cells',
    layer_cameras: 'Cameras', layer_units: 'Units', layer_incident: 'Incident',
    status_ok: 'ok', status_damaged: 'damaged', status_missing: 'missing',
    seal_reason_no_ring_in_time: 'no ring in time: on every way out there are places no unit reaches before the suspect',
    seal_reason_too_many_ways_out: 'too many ways out: every ring needs more blocks than there are units',
    seal_reason_too_few_units_near: 'too few units near: every ring needs two blocks only the same unit reaches in time',
    seal_reason_already_out: 'the suspect is already out (the incident is at the edge of the area)',
    seal_within: ' (suspect by {suspect}, within {t})',
    suspect_car: 'car', suspect_ebike: 'e-bike', suspect_walk: 'on foot',
    camera_dome: 'dome', camera_bullet: 'bullet', camera_ptz: 'PTZ', camera_checkpoint: 'checkpoint',
    explanation_exact: 'exact',
    colon: ': ',
    list_sep: ', ',
    seal_open: 'Gap: {roads} (suspect out in {t}) {why}',
    why: {},
    legend: 'Legend',
    legend_incident: 'incident', legend_rings: '100/300/500 m rings', legend_sees: 'view of a camera that sees it',
    legend_sector_blocked: 'in the sector but blocked', legend_camera: 'camera', legend_candidate: 'candidate plate (confidence)',
    legend_caller: 'caller position', legend_block: 'seal-off block', legend_open: 'seal-off gap',
    legend_units: 'units: 亭 kiosk · 所 station · 室 community room (yellow ring: nearest to the incident; grey: busy/off duty)',
  },
};

const params = new URLSearchParams(location.search);
let lang = params.get('lang') === 'en' ? 'en' : 'zh';

/** The text for `key` in the current language, with {name} placeholders filled in. */
function t(key, vars) {
  let s = STRINGS[lang][key];
  if (s === undefined) s = STRINGS.zh[key] !== undefined ? STRINGS.zh[key] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

/** A term from the data (unit kind, plate status…) in the current language, or itself. */
function term(prefix, value) {
  const key = prefix + '_' + value;
  return STRINGS[lang][key] !== undefined ? STRINGS[lang][key] : String(value);
}

function applyStaticStrings() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  document.querySelectorAll('[data-i18n-title]').forEach((el) => { el.title = t(el.dataset.i18nTitle); });
  document.title = t('title');
}

// ---------------------------------------------------------------------------------------
// Server access: relative URLs (the page works behind a path prefix), the token read from
// ?token= once, kept for this tab only, and sent as a Bearer header.
// ---------------------------------------------------------------------------------------
const token = (function readToken() {
  const fromUrl = params.get('token');
  if (fromUrl) {
    try { sessionStorage.setItem('lugeo_token', fromUrl); } catch (e) { /* private mode */ }
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
    return fromUrl;
  }
  try { return sessionStorage.getItem('lugeo_token'); } catch (e) { return null; }
})();

class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** GET (or other method) `path` relative to the page; the parsed JSON, or an ApiError. */
async function api(path, options) {
  const opts = Object.assign({ headers: {} }, options || {});
  if (token) opts.headers.Authorization = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, null, t('network_error', { msg: e.message }));
  }
  let body = null;
  const text = await res.text();
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!res.ok) {
    if (res.status === 401) throw new ApiError(401, body, t('need_token'));
    const err = body && body.error;
    const msg = err ? (typeof err === 'string' ? err : err.message || err.code) : (text || res.statusText);
    // 4xx: what was asked is wrong (the server names it); 5xx: the server's own trouble.
    throw new ApiError(res.status, body, res.status < 500 ? msg : t('server_error', { msg: res.status + ' ' + msg }));
  }
  return body;
}

function query(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  return p.toString();
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------
const $ = (sel) => document.querySelector(sel);

/** An element with attributes and children (strings become text: no HTML injection). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k.startsWith('data-')) el.setAttribute(k, v);
    else el[k] = v;
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false)
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function fmtMinutes(s) { return t('minutes', { m: (s / 60).toFixed(1) }); }
function fmtM(d) { return d === null || d === undefined ? '–' : Math.round(d); }

function setStatus(msg, isError) {
  const el = $('#status');
  el.textContent = msg || '';
  el.className = isError ? 'error' : 'muted';
}

/** The point `dist_m` metres from [lat, lon] on bearing `deg` (clockwise from north). */
function destination(lat, lon, deg, dist_m) {
  const R = 6371008.8, a = (deg * Math.PI) / 180, d = dist_m / R;
  const la1 = (lat * Math.PI) / 180, lo1 = (lon * Math.PI) / 180;
  const la2 = Math.asin(Math.sin(la1) * Math.cos(d) + Math.cos(la1) * Math.sin(d) * Math.cos(a));
  const lo2 = lo1 + Math.atan2(Math.sin(a) * Math.sin(d) * Math.cos(la1), Math.cos(d) - Math.sin(la1) * Math.sin(la2));
  return [(la2 * 180) / Math.PI, (lo2 * 180) / Math.PI];
}

/** A camera's view sector as a polygon ring: apex, then the arc from heading-hfov/2 to +hfov/2. */
function sectorRing(lat, lon, heading, hfov, range) {
  if (hfov >= 360) {                                    // a dome or PTZ camera: the whole circle
    const circle = [];
    for (let a = 0; a < 360; a += 10) circle.push(destination(lat, lon, a, range));
    return circle;
  }
  const ring = [[lat, lon]];
  const steps = Math.max(4, Math.ceil(hfov / 5));
  for (let i = 0; i <= steps; i++) ring.push(destination(lat, lon, heading - hfov / 2 + (hfov * i) / steps, range));
  return ring;
}

// ---------------------------------------------------------------------------------------
// The caller position as typed or pasted: "lon,lat[,r]", full-width digits and commas,
// "lat,lon" (swapped when only that reading falls in China), links from Amap/Baidu/Tencent.
// ---------------------------------------------------------------------------------------
function toHalfWidth(s) {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
    .replace(/\u3000/g, ' ').replace(/[、，]/g, ',').replace(/。/g, '.');
}

const inChinaLon = (v) => v >= 73 && v <= 136;
const inChinaLat = (v) => v >= 3 && v <= 54;

/** {lon, lat, r, note, crs} or {error}; empty text gives null. */
function parseNear(text) {
  const raw = text.trim();
  if (!raw) return null;
  const s = toHalfWidth(raw);
  let crs = null, app = null;
  if (/amap\.com|autonavi/i.test(s)) { crs = 'gcj02'; app = 'app_amap'; }
  else if (/map\.qq\.com|qq\.com\/map/i.test(s)) { crs = 'gcj02'; app = 'app_qq'; }
  else if (/baidu\.com/i.test(s)) { crs = 'bd09'; app = 'app_baidu'; }
  const nums = (s.match(/-?\d+(?:\.\d+)?/g) || []).map(Number);
  // In a link, take the first pair that looks like coordinates.
  let i = 0;
  if (app) {
    i = nums.findIndex((v, k) => k + 1 < nums.length &&
      ((inChinaLon(v) && inChinaLat(nums[k + 1])) || (inChinaLat(v) && inChinaLon(nums[k + 1]))) &&
      (String(v).includes('.') || String(nums[k + 1]).includes('.')));
    if (i < 0) {
      if (nums.some((v) => Math.abs(v) > 1e5)) return { error: t('near_mercator') };
      return { error: t('near_bad', { text: raw }) };
    }
  }
  if (nums.length - i < 2) return { error: t('near_bad', { text: raw }) };
  let lon = nums[i], lat = nums[i + 1];
  const r = !app && nums.length - i >= 3 ? nums[i + 2] : undefined;
  const notes = [];
  if (Math.abs(lon) > 1e5 || Math.abs(lat) > 1e5) return { error: t('near_mercator') };
  if (!inChinaLon(lon) && inChinaLat(lon) && inChinaLon(lat)) {
    [lon, lat] = [lat, lon];
    notes.push(t('near_swapped', { lon, lat }));
  }
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return { error: t('near_bad', { text: raw }) };
  if (app) notes.push(t('near_guess_crs', { app: t(app), crs: crs.toUpperCase() }));
  return { lon, lat, r, crs, note: notes.join(t('list_sep')) };
}

// ---------------------------------------------------------------------------------------
// The map and the scene's layers
// ---------------------------------------------------------------------------------------
const map = L.map('map', { preferCanvas: true, zoomControl: true, minZoom: 10, maxZoom: 20 });
// Vector panes (drawn on canvas) stay below 500; the DOM marker panes above them, or a
// canvas would take the clicks meant for a candidate or a unit.
for (const [name, z] of [['zonesPane', 250], ['buildingsPane', 300], ['roadsPane', 350], ['gridsPane', 360],
  ['sectorsPane', 400], ['camerasPane', 450], ['ringsPane', 460], ['pointsPane', 470],
  ['labelsPane', 520], ['unitsPane', 620], ['candidatesPane', 640], ['incidentPane', 650]]) {
  map.createPane(name).style.zIndex = z;
}
map.getPane('labelsPane').style.pointerEvents = 'none';
const paneRenderer = {};
function rendererFor(pane) {
  if (!paneRenderer[pane]) paneRenderer[pane] = L.canvas({ pane, padding: 0.3, tolerance: 4 });
  return paneRenderer[pane];
}

const ROAD_STYLE = {
  motorway: { color: '#e892a2', weight: 5 }, trunk: { color: '#f9b29c', weight: 5 },
  primary: { color: '#fcd6a4', weight: 4.5 }, secondary: { color: '#f7fabf', weight: 4 },
  tertiary: { color: '#ffffff', weight: 3.5 }, residential: { color: '#ffffff', weight: 2.5 },
  unclassified: { color: '#ffffff', weight: 2.5 }, service: { color: '#ffffff', weight: 1.5 },
  living_street: { color: '#ededed', weight: 2.5 },
  footway: { color: '#fa8072', weight: 1, dash: '2 3', bare: true }, pedestrian: { color: '#dddde8', weight: 2.5 },
  steps: { color: '#fa8072', weight: 1.5, dash: '1 2', bare: true }, cycleway: { color: '#4060ff', weight: 1, dash: '2 3', bare: true },
  track: { color: '#996600', weight: 1, dash: '3 3', bare: true },
};
const MAJOR = new Set(['motorway', 'trunk', 'primary', 'secondary', 'tertiary']);

function roadClass(p) { return String(p.class || p.highway || '').replace(/_link$/, ''); }

function roadStyle(f) {
  const s = ROAD_STYLE[roadClass(f.properties)] || { color: '#ffffff', weight: 1.5 };
  return { color: s.color, weight: s.weight, opacity: 1, lineCap: 'round', lineJoin: 'round', dashArray: s.dash || null };
}

/** Paths (footways, steps, tracks) are drawn as a dashed line without a casing. */
function hasCasing(f) { return !(ROAD_STYLE[roadClass(f.properties)] || {}).bare; }

const state = {
  layers: {},          // name -> Leaflet layer
  roadsData: null,     // the last roads FeatureCollection (for labels)
  roadsBox: null,      // L.LatLngBounds the roads were loaded for
  roadsZoom: null,
  cameras: new Map(),  // id -> {lat, lon, heading, hfov, range, type}
  units: new Map(),    // id -> {marker, data}
  candidates: L.layerGroup([], { pane: 'candidatesPane' }),
  incidentLayer: L.layerGroup(),
  sealLayer: L.layerGroup(),
  lastLocate: null,    // {request, body}
  lastIncident: null,  // {request, body}
  lastSeal: null,      // {request, body|error}
  overlays: [],        // [string key, layer] for the layer switcher
  layerControl: null,
  legend: null,
  pickingNear: false,
  nearMarker: null,
  loadMs: null,
};

/** Layers the server offers (GET /layers): names, tolerant of a list of strings or objects. */
async function layerList() {
  try {
    const body = await api('layers');
    const list = Array.isArray(body) ? body : (body.layers || []);
    return list.map((l) => (typeof l === 'string' ? { name: l } : l));
  } catch (e) {
    if (e.status === 401) throw e;
    return ['zones', 'grids', 'buildings', 'roads', 'cameras', 'units'].map((name) => ({ name }));
  }
}

function bboxParam(bounds) {
  return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(5)).join(',');
}

async function loadZones() {
  const fc = await api('layers/zones.geojson');
  const layer = L.geoJSON(fc, {
    pane: 'zonesPane', renderer: rendererFor('zonesPane'),
    style: (f) => ({ color: '#5b6fb5', weight: 2, opacity: 0.8, fillColor: zoneColor(f.properties.id), fillOpacity: 0.12 }),
    interactive: false,
  });
  layer.eachLayer((l) => {
    const p = l.feature.properties;
    const c = l.getBounds().getCenter();
    L.marker(c, { pane: 'labelsPane', interactive: false,
      icon: L.divIcon({ className: 'zone-label', html: esc(p.name || p.id || ''), iconSize: null }) }).addTo(zoneLabels);
  });
  return layer;
}
const zoneLabels = L.layerGroup();
function zoneColor(id) {
  const palette = ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5'];
  let n = 0; for (const ch of String(id)) n = (n * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[n % palette.length];
}

const gridLabels = L.layerGroup();
const GRID_LABEL_ZOOM = 17;

async function loadGrids() {
  const fc = await api('layers/grids.geojson');
  const layer = L.geoJSON(fc, {
    pane: 'gridsPane', renderer: rendererFor('gridsPane'),
    style: () => ({ color: '#7a7a9a', weight: 0.8, opacity: 0.6, dashArray: '3 4', fill: false }),
    interactive: false,
  });
  layer.eachLayer((l) => {
    const p = l.feature.properties;
    L.marker(l.getBounds().getCenter(), { pane: 'labelsPane', interactive: false,
      icon: L.divIcon({ className: 'grid-label', html: esc(p.id || ''), iconSize: null }) }).addTo(gridLabels);
  });
  return layer;
}

/** Grid cell names only at street zoom (343 cells would cover the city view); zone names with the zones. */
function toggleGridLabels() {
  const show = map.getZoom() >= GRID_LABEL_ZOOM && state.layers.grids && map.hasLayer(state.layers.grids);
  if (show && !map.hasLayer(gridLabels)) gridLabels.addTo(map);
  else if (!show && map.hasLayer(gridLabels)) map.removeLayer(gridLabels);
  const zones = state.layers.zones && map.hasLayer(state.layers.zones);       // zone names follow the zones
  if (zones && !map.hasLayer(zoneLabels)) zoneLabels.addTo(map);
  else if (!zones && map.hasLayer(zoneLabels)) map.removeLayer(zoneLabels);
}

async function loadCameras() {
  const fc = await api('layers/cameras.geojson');
  const layer = L.geoJSON(fc, {
    pointToLayer: (f, ll) => L.circleMarker(ll, { pane: 'camerasPane', renderer: rendererFor('camerasPane'),
      radius: 2.5, color: '#2b6cb0', weight: 1, fillColor: '#63b3ed', fillOpacity: 0.9 }),
    onEachFeature: (f, l) => {
      const p = f.properties, [lon, lat] = f.geometry.coordinates;
      state.cameras.set(String(p.id), { lat, lon, heading: +p.heading, hfov: +p.hfov, range: +p.range, type: p.type });
      l.bindTooltip(() => `${esc(p.id)} ${esc(term('camera', p.type || ''))} ${p.heading}° / ${p.hfov}° / ${p.range} m`);
    },
  });
  return layer;
}

/** Roads (and buildings) for the visible area: reloaded when the view leaves the loaded box. */
let roadsSeq = 0;
async function refreshRoads(force) {
  const view = map.getBounds();
  const z = map.getZoom();
  const zoomBand = z >= 16 ? 2 : z >= 14 ? 1 : 0;
  if (!force && state.roadsBox && state.roadsBox.contains(view) && state.roadsZoom === zoomBand) return;
  const box = view.pad(0.5);
  const q = query({ bbox: bboxParam(box) });
  const seq = ++roadsSeq;
  // At the widest zoom the server sends only the main roads (`classes`); the page filters too.
  const classes = zoomBand === 0 ? '&classes=' + [...MAJOR].flatMap((c) => [c, c + '_link']).join(',') : '';
  const [roads, buildings] = await Promise.all([
    api('layers/roads.geojson?' + q + classes),
    zoomBand >= 1 ? api('layers/buildings.geojson?' + q).catch(() => null) : Promise.resolve(null),
  ]);
  if (seq !== roadsSeq) return;                           // a newer view asked meanwhile
  // At the widest zoom only the main roads are drawn: the rest is a grey wash at that scale.
  const keep = zoomBand === 0 ? (f) => MAJOR.has(roadClass(f.properties)) : () => true;
  const roadsLayer = L.geoJSON(roads, { pane: 'roadsPane', renderer: rendererFor('roadsPane'), style: roadStyle,
    filter: keep, interactive: false });
  const casing = L.geoJSON(roads, { pane: 'roadsPane', renderer: rendererFor('roadsPane'), filter: (f) => keep(f) && hasCasing(f),
    style: (f) => { const s = roadStyle(f); return { color: '#b8b0a4', weight: s.weight + 1.5, opacity: 1 }; },
    interactive: false });
  for (const name of ['roadsCasing', 'roads', 'buildings']) if (state.layers[name]) map.removeLayer(state.layers[name]);
  state.layers.roadsCasing = casing.addTo(map);
  state.layers.roads = roadsLayer.addTo(map);
  if (buildings) {
    state.layers.buildings = L.geoJSON(buildings, { pane: 'buildingsPane', renderer: rendererFor('buildingsPane'),
      style: () => ({ color: '#c9b8a6', weight: 0.6, fillColor: '#d9d0c9', fillOpacity: 0.9 }), interactive: false }).addTo(map);
  } else {
    delete state.layers.buildings;
  }
  state.roadsData = roads;
  state.roadsBox = box;
  state.roadsZoom = zoomBand;
  drawRoadLabels();
}

const roadLabels = L.layerGroup().addTo(map);

/** Road names along the roads from zoom 15, kept upright: a name at most once per 300 px,
 *  no two labels overlapping (the roads come as network edges, so one street is many pieces). */
function drawRoadLabels() {
  roadLabels.clearLayers();
  if (!state.roadsData || map.getZoom() < 15) return;
  const view = map.getBounds();
  const placed = [], byName = new Map();
  const clear = (name, p, r) => placed.every((q) => p.distanceTo(q.p) > r + q.r) &&
    (byName.get(name) || []).every((q) => p.distanceTo(q) > 300);
  let count = 0;
  const feats = state.roadsData.features.slice().sort((a, b) =>
    (MAJOR.has(roadClass(b.properties)) ? 1 : 0) - (MAJOR.has(roadClass(a.properties)) ? 1 : 0));
  for (const f of feats) {
    const name = f.properties && f.properties.name;
    if (!name || !f.geometry) continue;
    const lines = f.geometry.type === 'MultiLineString' ? f.geometry.coordinates : [f.geometry.coordinates];
    for (const coords of lines) {
      if (coords.length < 2) continue;
      const pts = coords.map(([lon, lat]) => map.latLngToContainerPoint([lat, lon]));
      let len = 0; const seg = [];
      for (let i = 1; i < pts.length; i++) { const d = pts[i].distanceTo(pts[i - 1]); seg.push(d); len += d; }
      if (len < name.length * 13 + 10) continue;               // too short on screen for the text
      let half = len / 2, i = 0;
      while (i < seg.length - 1 && half > seg[i]) { half -= seg[i]; i++; }
      const a = pts[i], b = pts[i + 1], f0 = seg[i] ? half / seg[i] : 0;
      const mid = L.point(a.x + (b.x - a.x) * f0, a.y + (b.y - a.y) * f0);
      const ll = map.containerPointToLatLng(mid);
      if (!view.contains(ll)) continue;
      const r = name.length * 6 + 4;                           // half the text's width, about
      if (!clear(name, mid, r)) continue;
      placed.push({ p: mid, r });
      byName.set(name, (byName.get(name) || []).concat([mid]));
      let angle = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
      if (angle > 90) angle -= 180; else if (angle < -90) angle += 180;
      L.marker(ll, { pane: 'labelsPane', interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'road-label', iconSize: [0, 0],
          html: `<span style="transform:translate(-50%,-50%) rotate(${angle.toFixed(1)}deg)">${esc(name)}</span>` }) }).addTo(roadLabels);
      if (++count >= 160) return;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Units: drawn from GET /units, polled every few seconds; markers move when positions change.
// ---------------------------------------------------------------------------------------
const UNIT_POLL_MS = 3000;
const unitsLayer = L.layerGroup().addTo(map);

function unitIcon(u, highlighted) {
  const cls = ['unit-marker', 'unit-' + (u.kind || 'other'), 'status-' + (u.status || 'available')];
  if (highlighted) cls.push('highlight');
  return L.divIcon({ className: cls.join(' '), iconSize: [22, 22], iconAnchor: [11, 11],
    html: `<span data-unit-id="${esc(u.id)}">${esc(unitGlyph(u.kind))}</span>` });
}
function unitGlyph(kind) { return { kiosk: '亭', station: '所', community_room: '室' }[kind] || '警'; }

function unitTooltip(u) {
  const parts = [`<b>${esc(u.id)}</b> ${esc(u.name || '')}`, esc(term('kind', u.kind || '')),
    esc(term('unit_status', u.status || 'available'))];
  if (u.last_seen) parts.push(esc(t('unit_last_seen', { t: new Date(u.last_seen).toLocaleTimeString() })));
  if (u.source) parts.push(esc(term('unit_source', u.source)));
  return parts.join('<br>');
}

function unitsFrom(body) {
  const list = Array.isArray(body) ? body : body.units || body.features || [];
  return list.map((u) => (u.type === 'Feature'
    ? Object.assign({}, u.properties, { lon: u.geometry.coordinates[0], lat: u.geometry.coordinates[1] })
    : u));
}

/** Draws or moves the unit markers; true when any position or status changed. */
function updateUnits(list) {
  let changed = false;
  const highlighted = new Set(state.lastIncident ? incidentUnitIds(state.lastIncident.body) : []);
  for (const u of list) {
    const id = String(u.id);
    if (!Number.isFinite(+u.lon) || !Number.isFinite(+u.lat)) continue;
    const ll = L.latLng(+u.lat, +u.lon);
    const have = state.units.get(id);
    if (!have) {
      const marker = L.marker(ll, { pane: 'unitsPane', icon: unitIcon(u, highlighted.has(id)), title: id })
        .bindTooltip(() => unitTooltip(state.units.get(id).data)).addTo(unitsLayer);
      state.units.set(id, { marker, data: u });
      continue;
    }
    const moved = !have.marker.getLatLng().equals(ll, 1e-9);
    const restatus = have.data.status !== u.status;
    if (moved) have.marker.setLatLng(ll);
    if (restatus) have.marker.setIcon(unitIcon(u, highlighted.has(id)));
    if (moved || restatus || have.data.last_seen !== u.last_seen) changed = true;
    have.data = u;
  }
  // A unit the server no longer lists (a reloaded scene without it) leaves the map.
  const listed = new Set(list.map((u) => String(u.id)));
  for (const [id, { marker }] of state.units) {
    if (!listed.has(id)) { unitsLayer.removeLayer(marker); state.units.delete(id); changed = true; }
  }
  return changed;
}

function highlightUnits(ids) {
  const set = new Set(ids);
  for (const [id, { marker, data }] of state.units) marker.setIcon(unitIcon(data, set.has(id)));
}

async function pollUnits() {
  if (document.hidden) { setTimeout(pollUnits, UNIT_POLL_MS); return; }  // a background tab
  try {
    const changed = updateUnits(unitsFrom(await api('units')));
    if (changed && state.lastIncident) {
      setStatus(t('units_moved'));
      refreshIncident();
    }
  } catch (e) {
    if (e.status === 401) setStatus(e.message, true);
  } finally {
    setTimeout(pollUnits, UNIT_POLL_MS);
  }
}

// ---------------------------------------------------------------------------------------
// Search: GET /locate, candidates as markers with their confidence, `ask`, `none_near`.
// ---------------------------------------------------------------------------------------
function currentNear() {
  const parsed = parseNear($('#near').value);
  const note = $('#near-note');
  note.textContent = '';
  note.className = 'muted';
  if (!parsed) return { near: null };
  if (parsed.error) { note.textContent = parsed.error; note.className = 'error'; return { error: parsed.error }; }
  if (parsed.crs) $('#near-crs').value = parsed.crs;
  if (parsed.note) note.textContent = parsed.note;
  const near = [parsed.lon, parsed.lat].concat(parsed.r !== undefined ? [parsed.r] : []).join(',');
  return { near, crs: $('#near-crs').value };
}

async function search(extra) {
  const q = $('#q').value.trim();
  if (!q) return;
  const n = currentNear();
  if (n.error) return;
  const request = Object.assign({ q, near: n.near, near_crs: n.near ? n.crs : null }, extra || {});
  const out = $('#result');
  out.replaceChildren(h('p', { class: 'muted' }, t('searching')));
  try {
    const reply = await api('locate?' + query(request));
    // One ID: the locate body itself, or the first of `results` (docs/json.md's envelope).
    const body = reply && Array.isArray(reply.results) ? reply.results[0] : reply;
    state.lastLocate = { request, body };
    renderLocate(true);
  } catch (e) {
    state.lastLocate = { request, error: e.message };
    renderLocate(true);
  }
}

function matchLine(body) {
  switch (body.match) {
    case 'exact': return t('match_exact');
    case 'exact_far': return body.far_from_caller ? t('match_exact_far') : t('match_exact_far_pair');
    case 'fuzzy': return t('match_fuzzy');
    case 'none': return t('match_none');
    case 'invalid': return t('match_invalid', { err: typeof body.error === 'object' && body.error ? body.error.message : body.error || '' });
    default: return body.match || '';
  }
}

function askLine(ask) {
  const key = { road: 'ask_road', side: 'ask_side', also: 'ask_also' }[ask.question];
  return key ? t(key, { detail: ask.detail || '' }) : `${ask.question}: ${ask.detail || ''}`;
}

/** The follow-up field for an `ask` the server can take as a parameter (road=, also=). */
function askForm(ask, request) {
  const param = { road: 'road', also: 'also' }[ask.question];
  if (!param) return null;
  const input = h('input', { type: 'text', placeholder: t(param === 'road' ? 'ask_road_input' : 'ask_also_input'),
    value: request[param] || '' });
  return h('form', { class: 'ask-form', onsubmit: (ev) => { ev.preventDefault(); search({ [param]: input.value.trim() }); } },
    input, h('button', { type: 'submit' }, t('ask_apply')));
}

function candidateIcon(rank, c) {
  const pct = Math.round(c.confidence * 100);
  return L.divIcon({ className: 'cand-marker', iconSize: null, iconAnchor: [14, 30],
    html: `<div data-id="${esc(c.id)}"><b>${rank}</b> ${pct}%</div>` });
}

/** The candidates as numbered markers and as a list; their positions for the view. */
function candidateRows(b, bounds) {
  const list = h('ol', { class: 'candidates' });
  (b.candidates || []).forEach((c, i) => {
    bounds.push([c.lat, c.lon]);
    const pick = () => openIncident({ plate: c.id });
    const conf = `${t('confidence')} ${(c.confidence * 100).toFixed(1)}%`;
    const marker = L.marker([c.lat, c.lon], { pane: 'candidatesPane', icon: candidateIcon(i + 1, c), title: c.id, riseOnHover: true })
      .bindTooltip(`<b>${esc(c.id)}</b> ${esc(c.road || '')}<br>${esc(conf)}<br>${esc(t('click_to_incident'))}`)
      .on('click', pick);
    marker.plateId = c.id;
    state.candidates.addLayer(marker);
    list.append(h('li', { class: 'candidate', 'data-id': c.id, onclick: pick, title: t('click_to_incident') },
      h('div', { class: 'cand-head' }, h('b', {}, c.id), ' ', h('span', { class: 'conf' }, conf)),
      h('div', {}, `${term('kind', c.kind)} · ${c.road || ''} · ${term('status', c.status)}`),
      c.explanation ? h('div', { class: 'muted' }, term('explanation', c.explanation)) : null,
      c.distance_m !== null && c.distance_m !== undefined ? h('div', { class: 'muted' }, t('distance_from_caller', { d: fmtM(c.distance_m) })) : null,
      c.cross_street ? h('div', { class: 'muted' }, `${t('cross_street')}: ${c.cross_street}`) : null));
  });
  return [list];
}

/** No candidate near the caller: said plainly, with the plates that are near instead. */
function noneNearRows(b, bounds) {
  if (!b.none_near) return [];
  const ul = h('ul', { class: 'nearby' });
  for (const p of b.nearby || []) {
    bounds.push([p.lat, p.lon]);
    const pick = () => openIncident({ plate: p.id });
    ul.append(h('li', { class: 'candidate', 'data-id': p.id, onclick: pick }, h('b', {}, p.id), ` ${p.road || ''} · ${fmtM(p.distance_m)} m`));
    state.candidates.addLayer(L.circleMarker([p.lat, p.lon], { pane: 'pointsPane', radius: 5, color: '#777', fillOpacity: 0.6 })
      .bindTooltip(esc(p.id)).on('click', pick));
  }
  return [h('p', { class: 'none-near' }, t('none_near', { r: fmtM(b.near ? b.near.radius_m : null) })), ul];
}

/** The answer of /locate; `fit` moves the map to the candidates (not on a language switch). */
function renderLocate(fit) {
  const out = $('#result');
  state.candidates.clearLayers();
  const L0 = state.lastLocate;
  if (!L0) { out.replaceChildren(); return; }
  if (L0.error) { out.replaceChildren(h('p', { class: 'error' }, L0.error)); return; }
  const b = L0.body;
  const head = [];
  if (b.normalized && b.normalized !== b.input) head.push(h('p', { class: 'muted' }, `${b.input} → ${t('normalized')} ${b.normalized}`));
  head.push(h('p', { class: 'match match-' + b.match }, matchLine(b)));
  if (b.position_ignored) head.push(h('p', { class: 'warn' }, t('position_ignored')));
  if (b.ask) head.push(h('p', { class: 'ask' }, h('b', {}, t('ask_label')), ' ', askLine(b.ask)), askForm(b.ask, L0.request));
  const bounds = [];
  out.replaceChildren(...[...head, ...candidateRows(b, bounds), ...noneNearRows(b, bounds)].filter(Boolean));
  drawNearMarker(b.near);
  if (b.near) bounds.push([b.near.lat, b.near.lon]);
  if (!fit) return;
  if (bounds.length === 1) map.setView(bounds[0], Math.max(map.getZoom(), 16));
  else if (bounds.length > 1) map.fitBounds(bounds, { padding: [60, 60], maxZoom: 17 });
}

function drawNearMarker(near) {
  if (state.nearMarker) { map.removeLayer(state.nearMarker); state.nearMarker = null; }
  if (!near) return;
  state.nearMarker = L.layerGroup([
    L.circle([near.lat, near.lon], { pane: 'ringsPane', radius: near.radius_m || 300, color: '#805ad5', weight: 1, dashArray: '4 4', fillOpacity: 0.04, interactive: false }),
    L.circleMarker([near.lat, near.lon], { pane: 'pointsPane', radius: 6, color: '#553c9a', fillColor: '#b794f4', fillOpacity: 1 }),
  ]).addTo(map);
}

// ---------------------------------------------------------------------------------------
// The incident: GET /incident (rings, cameras that see it, units by road, zone, grid) and
// GET /seal (the seal-off plan, when the server has it).
// ---------------------------------------------------------------------------------------
function incidentUnitIds(body) {
  const ids = (body.by_road && body.by_road.units || []).map((u) => String(u.id));
  for (const r of body.rings || []) for (const u of r.units || []) ids.push(String(u.id));
  return ids;
}

let incidentSeq = 0;
async function openIncident(request) {
  const seq = ++incidentSeq;
  const panel = $('#incident');
  panel.dataset.state = 'loading';
  panel.replaceChildren(h('p', { class: 'muted' }, t('incident_loading')));
  try {
    const body = await api('incident?' + query(request));
    if (seq !== incidentSeq) return;
    state.lastIncident = { request, body };
    state.lastSeal = null;
    renderIncident(true);
    loadSeal(request, seq);
  } catch (e) {
    if (seq !== incidentSeq) return;
    state.lastIncident = null;
    panel.dataset.state = 'error';
    panel.replaceChildren(h('p', { class: 'error' }, e.message));
  }
}

/** Asks again after the units moved (times and rings depend on their positions). */
let refreshing = false;
async function refreshIncident() {
  if (!state.lastIncident || refreshing) return;
  refreshing = true;
  const { request } = state.lastIncident, seq = incidentSeq;
  try {
    const body = await api('incident?' + query(request));
    if (seq !== incidentSeq) return;
    state.lastIncident = { request, body };
    renderIncident(false);
    loadSeal(request, seq);
  } catch (e) { /* keep the last answer on screen */ } finally { refreshing = false; }
}

async function loadSeal(request, seq) {
  try {
    const body = await api('seal?' + query(request));
    if (seq !== incidentSeq) return;
    state.lastSeal = { request, body };
  } catch (e) {
    if (seq !== incidentSeq) return;
    state.lastSeal = { request, error: e.status === 404 ? t('seal_unavailable') : e.message };
  }
  renderSeal();
}

function cameraPosition(c, lat, lon) {
  const known = state.cameras.get(String(c.id));
  if (known) return [known.lat, known.lon];
  // bearing_deg is from the camera to the point: the camera stands on the reverse bearing.
  return destination(lat, lon, (c.bearing_deg + 180) % 360, c.distance_m);
}

function cameraVerdict(c) { return c.sees ? t('sees') : c.in_sector ? t('in_sector_blocked') : t('not_facing'); }

/** The incident on the map: rings, camera view sectors, the incident marker, highlighted units. */
function drawIncident(b) {
  const layer = state.incidentLayer.clearLayers();
  const at = [b.lat, b.lon];
  for (const r of [500, 300, 100]) {
    layer.addLayer(L.circle(at, { pane: 'ringsPane', radius: r, color: '#c53030', weight: r === 100 ? 2 : 1.2,
      dashArray: r === 100 ? null : '6 5', fillColor: '#fc8181', fillOpacity: r === 100 ? 0.12 : 0.04, interactive: false }));
    layer.addLayer(L.marker(destination(b.lat, b.lon, 0, r), { pane: 'labelsPane', interactive: false,
      icon: L.divIcon({ className: 'ring-label', html: `${r} m`, iconSize: null }) }));
  }
  for (const c of b.cameras || []) {
    const [clat, clon] = cameraPosition(c, b.lat, b.lon);
    if (c.sees || c.in_sector) {
      layer.addLayer(L.polygon(sectorRing(clat, clon, c.heading_deg, c.hfov_deg, c.range_m), {
        pane: 'sectorsPane', color: c.sees ? '#2f855a' : '#b7791f', weight: 1.2, fillColor: c.sees ? '#48bb78' : '#f6e05e',
        fillOpacity: c.sees ? 0.35 : 0.2, dashArray: c.sees ? null : '3 3', interactive: false }));
    }
    layer.addLayer(L.circleMarker([clat, clon], { pane: 'pointsPane', radius: c.sees ? 5 : 3,
      color: c.sees ? '#22543d' : '#4a5568', fillColor: c.sees ? '#48bb78' : '#a0aec0', fillOpacity: 1, weight: 1 })
      .bindTooltip(`${esc(c.id)} ${esc(term('camera', c.type || ''))} · ${esc(cameraVerdict(c))}`));
  }
  layer.addLayer(L.marker(at, { pane: 'incidentPane', title: t('incident'),
    icon: L.divIcon({ className: 'incident-marker', iconSize: [26, 26], iconAnchor: [13, 13], html: '<span>警</span>' }) }));
  layer.addTo(map);
  highlightUnits(incidentUnitIds(b));
  // The candidate that became the incident gives its place to the incident marker.
  state.candidates.eachLayer((m) => {
    const el = m.getElement && m.getElement();
    if (el && m.plateId !== undefined) el.style.display = b.plate && b.plate.id === m.plateId ? 'none' : '';
  });
}

/** Where it is: position, plate, junction, zone, grid. */
function placeRows(b) {
  const rows = [h('h2', {}, b.plate ? `${t('incident')} · ${t('plate')} ${b.plate.id}` : t('incident')),
    h('p', { class: 'muted' }, `${b.lon.toFixed(6)}, ${b.lat.toFixed(6)} (WGS84)` +
      (b.plate ? ` · ${term('kind', b.plate.kind)} · ${b.plate.road || ''}` : ''))];
  if (b.junction) rows.push(h('p', {}, `${t('junction', { d: fmtM(b.junction.distance_m) })}: ${(b.junction.roads || []).join(' × ')}`));
  rows.push(h('p', { class: 'zone' }, h('b', {}, t('zone') + t('colon')),
    b.zone ? `${b.zone.name || ''} (${b.zone.id})` : t(b.zones_layer ? 'outside_zone' : 'no_zone_layer')));
  rows.push(h('p', { class: 'grid' }, h('b', {}, t('grid') + t('colon')),
    b.grid ? `${b.grid.name || ''} (${b.grid.id})` : t(b.grids_layer ? 'outside_grid' : 'no_grid_layer')));
  return rows;
}

/** Who can go: the nearest units by road with their times, then the units in each ring. */
function unitRows(b) {
  const br = b.by_road || { units: [] };
  const rows = [h('h3', {}, t('by_road', { profile: term('profile', br.profile || 'car') }))];
  const ol = h('ol', { class: 'units-by-road' });
  for (const u of br.units || []) {
    ol.append(h('li', { 'data-unit': u.id, 'data-time-s': u.time_s,
      onclick: () => { const m = state.units.get(String(u.id)); if (m) map.panTo(m.marker.getLatLng()); } },
      h('b', { class: 'time' }, fmtMinutes(u.time_s)), ' ', h('span', { class: 'uid' }, u.id), ' ',
      h('span', {}, u.name || ''), h('div', { class: 'muted' }, `${term('kind', u.kind)} · ${t('straight', { d: fmtM(u.distance_m) })}`)));
  }
  const none = br.snap_m === null ? t('off_network') : t('no_units_by_road');
  rows.push((br.units || []).length ? ol : h('p', { class: 'warn' }, none));
  rows.push(h('h3', {}, t('rings')));
  for (const r of b.rings || []) {
    const names = (r.units || []).map((u) => `${u.id} ${fmtM(u.distance_m)} m`).join(t('list_sep')) || t('none');
    rows.push(h('p', { class: 'ring', 'data-radius': r.radius_m }, t('ring_units', { r: r.radius_m, list: names })));
  }
  return rows;
}

/** What sees it: the cameras within 500 m, those that see the spot first. */
function cameraRows(b) {
  const n = b.cameras_seeing !== undefined ? b.cameras_seeing : (b.cameras || []).filter((c) => c.sees).length;
  const ul = h('ul', { class: 'cameras' });
  for (const c of b.cameras || []) {
    ul.append(h('li', { class: c.sees ? 'sees' : 'no', 'data-camera': c.id },
      h('b', {}, c.id), ` ${term('camera', c.type || '')} · ${t('from_camera', { d: fmtM(c.distance_m) })} · ${cameraVerdict(c)}`));
  }
  return [h('h3', {}, `${t('cameras')} · ${t('cameras_seeing', { n })}`), ul];
}

function renderIncident(fit) {
  const panel = $('#incident');
  const I = state.lastIncident;
  if (!I) { state.incidentLayer.clearLayers(); panel.replaceChildren(); return; }
  const b = I.body;
  drawIncident(b);
  panel.replaceChildren(...placeRows(b), ...unitRows(b), ...cameraRows(b), h('div', { id: 'seal' }));
  panel.dataset.state = 'ready';
  renderSeal();
  if (fit) map.setView([b.lat, b.lon], Math.max(map.getZoom(), 16));
}

function renderSeal() {
  const box = $('#seal');
  state.sealLayer.clearLayers();
  if (!box) return;
  const S = state.lastSeal;
  if (!S) { box.replaceChildren(h('h3', {}, t('seal')), h('p', { class: 'muted' }, t('seal_loading'))); return; }
  if (S.error) { box.replaceChildren(h('h3', {}, t('seal')), h('p', { class: 'muted' }, S.error)); return; }
  const b = S.body;
  const parts = [h('h3', {}, t('seal'))];
  const blocks = b.blocks || [];
  if (b.sealed) parts.push(h('p', { class: 'sealed' }, t('seal_sealed', { n: blocks.length, t: fmtMinutes(b.ring_complete_s || 0) })));
  else {
    const known = b.reason_code && STRINGS[lang]['seal_reason_' + b.reason_code] !== undefined;
    parts.push(h('p', { class: 'warn' }, t('seal_not_sealed', { reason: known ? t('seal_reason_' + b.reason_code) : b.reason || b.reason_code || '' })));
  }
  if (b.suspect && b.within_s)
    parts.push(h('p', { class: 'muted' }, t('seal_within', { suspect: term('suspect', b.suspect.name || b.suspect.profile), t: fmtMinutes(b.within_s) })));
  const ol = h('ol', { class: 'seal-blocks' });
  for (const k of blocks) {
    ol.append(h('li', { 'data-unit': k.unit }, t('seal_block', { unit: k.unit, roads: (k.roads || []).join('/') || '–', t: fmtMinutes(k.arrival_s || 0) })));
    state.sealLayer.addLayer(L.marker([k.lat, k.lon], { pane: 'incidentPane',
      icon: L.divIcon({ className: 'seal-block', iconSize: [18, 18], iconAnchor: [9, 9], html: '<span>卡</span>' }) })
      .bindTooltip(`${esc(k.unit)} · ${esc((k.roads || []).join('/'))} · ${esc(fmtMinutes(k.arrival_s || 0))}`));
  }
  for (const r of b.open_routes || []) {
    state.sealLayer.addLayer(L.circleMarker([r.lat, r.lon], { pane: 'pointsPane', radius: 7, color: '#9b2c2c', fillColor: '#feb2b2', fillOpacity: 0.9 })
      .bindTooltip(esc((r.open_at || []).join('/') + ' ' + (r.why ? STRINGS[lang].why[r.why] || r.why : ''))));
  }
  parts.push(ol);
  const gaps = h('ul', { class: 'seal-gaps' });
  for (const r of b.open_routes || []) {
    const why = r.why ? (STRINGS[lang].why[r.why] || r.why) : '';
    gaps.append(h('li', {}, t('seal_open', { roads: (r.open_at || []).join('/') || '–', t: fmtMinutes(r.out_s || 0), why: why ? t('colon') + why : '' })));
  }
  if ((b.open_routes || []).length) parts.push(gaps);
  box.replaceChildren(...parts);
  state.sealLayer.addTo(map);
}

// ---------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------
/** A small legend in the map's corner (redrawn when the language changes). */
const Legend = L.Control.extend({
  options: { position: 'bottomleft' },
  onAdd() {
    const div = L.DomUtil.create('div', 'legend');
    L.DomEvent.disableClickPropagation(div);
    const row = (sym, key) => `<div><span class="sym ${sym}"></span>${esc(t(key))}</div>`;
    div.innerHTML = `<details><summary>${esc(t('legend'))}</summary>` +
      row('incident', 'legend_incident') + row('rings', 'legend_rings') + row('sees', 'legend_sees') +
      row('blocked', 'legend_sector_blocked') + row('camera', 'legend_camera') + row('cand', 'legend_candidate') +
      row('caller', 'legend_caller') + row('block', 'legend_block') + row('open', 'legend_open') +
      `<div class="units">${esc(t('legend_units'))}</div></details>`;
    return div;
  },
});

/** The layer switcher, in the current language (redrawn when the language changes). */
function drawLayerControl() {
  if (state.layerControl) state.layerControl.remove();
  const overlays = {};
  for (const [key, layer] of state.overlays) overlays[t(key)] = layer;
  state.layerControl = L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  const open = state.legend && state.legend.getContainer().querySelector('details').open;
  if (state.legend) state.legend.remove();
  state.legend = new Legend().addTo(map);
  if (open) state.legend.getContainer().querySelector('details').open = true;
}

function setLanguage(next) {
  lang = next;
  const p = new URLSearchParams(location.search);
  if (lang === 'en') p.set('lang', 'en'); else p.delete('lang');
  const rest = p.toString();
  history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
  applyStaticStrings();
  renderLocate(false);
  renderIncident(false);
  if (state.layerControl) drawLayerControl();
}

function wire() {
  $('#search').addEventListener('submit', (ev) => { ev.preventDefault(); search(); });
  $('#lang-toggle').addEventListener('click', () => setLanguage(lang === 'zh' ? 'en' : 'zh'));
  $('#near').addEventListener('change', () => currentNear());
  $('#pick-near').addEventListener('click', () => {
    state.pickingNear = true;
    map.getContainer().classList.add('picking');
    setStatus(t('pick_near_active'));
  });
  map.on('click', (ev) => {
    const { lat, lng } = ev.latlng;
    if (state.pickingNear) {
      state.pickingNear = false;
      map.getContainer().classList.remove('picking');
      $('#near').value = `${lng.toFixed(6)},${lat.toFixed(6)}`;
      $('#near-crs').value = 'wgs84';
      setStatus(t('near_set', { lon: lng.toFixed(6), lat: lat.toFixed(6) }));
      return;
    }
    openIncident({ at: `${lng.toFixed(7)},${lat.toFixed(7)}` });
  });
  map.on('zoomend overlayadd overlayremove', toggleGridLabels);
  map.on('moveend', () => {
    if (state.loadMs === null) return;                     // the first view is loaded by start()
    refreshRoads(false).catch((e) => setStatus(e.message, true));
    drawRoadLabels();
  });
}

async function start() {
  applyStaticStrings();
  wire();
  state.candidates.addTo(map);
  const t0 = performance.now();
  setStatus(t('loading_map'));
  try {
    const health = await api('health');
    $('#scene-name').textContent = health.scene || '';
    const names = new Set((await layerList()).map((l) => l.name));
    const [zones, grids, cameras, units, boundary] = await Promise.all([
      names.has('zones') ? loadZones().catch(() => null) : null,
      names.has('grids') ? loadGrids().catch(() => null) : null,
      names.has('cameras') ? loadCameras().catch(() => null) : null,
      api('units').catch(() => null),
      names.has('boundary') ? api('layers/boundary.geojson').catch(() => null) : null,
    ]);
    if (boundary) {
      state.layers.boundary = L.geoJSON(boundary, { pane: 'gridsPane', renderer: rendererFor('gridsPane'), interactive: false,
        style: () => ({ color: '#2d3748', weight: 2.5, opacity: 0.7, fill: false, dashArray: '10 4 2 4' }) }).addTo(map);
    }
    if (zones) { state.layers.zones = zones.addTo(map); zoneLabels.addTo(map); state.overlays.push(['layer_zones', zones]); }
    if (grids) { state.layers.grids = grids.addTo(map); state.overlays.push(['layer_grids', grids]); }
    if (cameras) { state.layers.cameras = cameras.addTo(map); state.overlays.push(['layer_cameras', cameras]); }
    state.overlays.push(['layer_units', unitsLayer]);
    if (units) updateUnits(unitsFrom(units));
    const extent = zones && zones.getLayers().length ? zones.getBounds()
      : units && state.units.size ? L.latLngBounds([...state.units.values()].map((u) => u.marker.getLatLng())) : null;
    if (extent) map.fitBounds(extent, { padding: [10, 10] }); else map.setView([30.67, 104.06], 13);
    drawLayerControl();
    L.control.scale({ imperial: false }).addTo(map);
    await refreshRoads(true);
    state.loadMs = Math.round(performance.now() - t0);
    state.readyAt = Math.round(performance.now());        // since the navigation started
    setStatus(t('map_loaded', { ms: state.loadMs }));
    if (health.attribution) {
      map.attributionControl.addAttribution(esc(health.attribution));
      $('#attribution').textContent = health.attribution;
    }
    document.body.dataset.ready = 'true';
  } catch (e) {
    setStatus(e.message, true);
  }
  setTimeout(pollUnits, UNIT_POLL_MS);
  const q = params.get('q');
  if (q) { $('#q').value = q; search(); }
}

// For tests and the browser console: read-only views of what the page shows.
window.lugeoPage = {
  get loadMs() { return state.loadMs; },
  get readyAt() { return state.readyAt; },
  unitLatLng: (id) => { const u = state.units.get(String(id)); return u ? [u.marker.getLatLng().lat, u.marker.getLatLng().lng] : null; },
  incident: () => (state.lastIncident ? state.lastIncident.body : null),
  located: () => (state.lastLocate ? { request: state.lastLocate.request, body: state.lastLocate.body } : null),
  parseNear,
  map,
};

start();
})();
