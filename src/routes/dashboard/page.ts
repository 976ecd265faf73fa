/** placeholder (helper writes the real page) */
export const DASHBOARD_PAGE = '<!doctype html><title>crossfollow dashboard</title><p>dashboard</p>';
