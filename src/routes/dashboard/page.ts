/** The dashboard's HTML shell: no inline script or style (the page's CSP forbids both); dashboard/main.js fills it in. */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>crossfollow dashboard</title>
<link rel="stylesheet" href="/dashboard/assets/uPlot.min.css">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<link rel="icon" href="/docs/favicon.svg">
<script type="module" src="/dashboard/assets/main.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <div class="top-row">
    <h1 class="brand"><span class="logo" aria-hidden="true"></span>crossfollow <span class="brand-sub">dashboard</span></h1>
    <p id="app-info" class="app-info" hidden><span id="app-name"></span> <code id="app-id"></code> <span id="operator-badge" class="badge badge-operator" hidden>operator</span></p>
    <p class="top-status"><span id="status" role="status" aria-live="polite"></span> <span id="updated" class="muted"></span></p>
    <form id="signout" method="post" action="/dashboard/session/end" hidden><button type="submit" class="button-quiet">Sign out</button></form>
  </div>
  <nav id="nav" class="nav" aria-label="Sections" hidden>
    <a href="#campaigns">Campaigns</a>
    <a href="#connections">Connections</a>
    <a href="#deliveries">Event deliveries</a>
    <a href="#providers">Providers</a>
  </nav>
</header>
<main id="main" tabindex="-1">
  <noscript><p class="notice">The dashboard needs JavaScript.</p></noscript>
  <p id="loading" class="muted">Checking your session…</p>
  <section id="signin-view" class="signin" aria-labelledby="signin-heading" hidden>
    <h2 id="signin-heading">Sign in</h2>
    <p id="signin-message" class="notice notice-error" role="alert" hidden></p>
    <form id="signin" method="post" action="/dashboard/session">
      <label for="api_key">App API key</label>
      <input id="api_key" name="api_key" type="password" autocomplete="off" required>
      <label for="admin_token">Operator token (ADMIN_TOKEN, optional)</label>
      <input id="admin_token" name="admin_token" type="password" autocomplete="off">
      <button type="submit">Sign in</button>
    </form>
    <p class="muted">The key is sent once, in this form's body; the dashboard keeps a session cookie, never the key.</p>
  </section>
  <div id="dashboard" hidden>
    <p id="notice" class="notice" role="status" hidden></p>
    <section id="campaigns" aria-labelledby="campaigns-heading">
      <h2 id="campaigns-heading">Campaigns</h2>
      <p id="campaigns-error" class="section-error" hidden></p>
      <div id="campaigns-list" class="cards cards-wide"></div>
    </section>
    <section id="connections" aria-labelledby="connections-heading">
      <h2 id="connections-heading">Connections</h2>
      <p id="connections-error" class="section-error" hidden></p>
      <div id="connections-body"></div>
    </section>
    <section id="deliveries" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">Event deliveries</h2>
      <p id="deliveries-error" class="section-error" hidden></p>
      <div id="deliveries-body"></div>
    </section>
    <section id="providers" aria-labelledby="providers-heading">
      <h2 id="providers-heading">Providers</h2>
      <p id="providers-error" class="section-error" hidden></p>
      <div id="providers-list" class="cards"></div>
    </section>
  </div>
</main>
</body>
</html>
`;
