"""Staff side: login, dashboards, exports, admin pages and the JSON API."""
