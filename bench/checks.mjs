// What every bench run must get right, timings aside: a run that made extra upstream calls,
// refreshed twice, hit SDK errors or lost listed items measured the wrong thing, and fails
// (this is what the CI smoke run asserts). The one timing checked is the pace's: calls made
// faster than SPOTIFY_RATE allows are a Governor that does not pace. A campaign must finish with
// every fan done, each fan's album saved exactly once, and, paced, without a single 429.

/** The problems in a run's tables, as sentences; empty when the counts are right. */
export function countsWrong(sections) {
  const wrong = [];
  for (const { title, rows } of sections) {
    for (const row of rows) {
      if ('minimum calls' in row) {
        const where = `${title.split('.')[0]} N=${row.N}`;
        for (const key of ['crossfollow calls', 'SDK loop calls', 'SDK 4 at once calls']) {
          if (row[key] !== row['minimum calls']) wrong.push(`${where}: ${key} ${row[key]}, minimum ${row['minimum calls']}`);
        }
        const oneCall = row['SDK, all N in one call'];
        if (row.N <= 50 && oneCall !== 'ok' && !oneCall.startsWith('n/a')) wrong.push(`${where}: the SDK's one call of ${row.N} ids: ${oneCall}`);
        if (row['SDK errors'] !== 'none') wrong.push(`${where}: SDK errors: ${row['SDK errors']}`);
      }
      if ('items' in row && (row.items !== 1000 || row.calls !== 20))
        wrong.push(`listing ${row.client} (${row.upstream}): ${row.items} items in ${row.calls} calls, expected 1000 in 20`);
      if ('calls, Governor on' in row) {
        for (const key of ['calls, Governor off', 'calls, Governor on']) {
          if (row[key] !== row['upstream calls']) wrong.push(`Governor, ${row.request}: ${key} ${row[key]} a request, expected ${row['upstream calls']}`);
        }
      }
      if ('pace minimum ms' in row) {
        const rate = row.SPOTIFY_RATE;
        if (row['pace minimum ms'] === '' && row['upstream calls'] !== 20)
          wrong.push(`pacing, ${row.request}: ${row['upstream calls']} upstream calls, expected 20`);
        // A few ms of slack: calls are timed where the fake receives them, not where they were admitted.
        if (row['pace minimum ms'] !== '' && row.ms < row['pace minimum ms'] * 0.95)
          wrong.push(
            `pacing, ${row.request}: ${row['upstream calls']} calls in ${row.ms} ms, the pace of ${rate}/s allows no fewer than ${row['pace minimum ms']}`,
          );
        if (row['calls/s beyond the burst'] !== '' && !(row['calls/s beyond the burst'] <= rate * 1.05))
          wrong.push(`pacing, ${row.request}: ${row['calls/s beyond the burst']} calls/s beyond the burst, paced to ${rate}`);
      }
      if ('joined before start' in row && row.row.startsWith('campaign')) {
        const where = `${row.row}, N=${row.N}`;
        if (row['fans done'] !== row.N) wrong.push(`${where}: ${row['fans done']} of ${row.N} fans done (${row['other fan states']})`);
        if (row['saves per fan'] !== '1') wrong.push(`${where}: saves per fan ${row['saves per fan']}, expected exactly 1`);
        if (row['joined before start'] !== 'yes') wrong.push(`${where}: the campaign started before every fan had joined`);
        if (row.row.startsWith('campaign, paced') && row['429s'] !== 0) wrong.push(`${where}: ${row['429s']} 429s, paced under the limit`);
        if (row.row.startsWith('campaign, paced') && row['upstream calls/fan'] !== 1)
          wrong.push(`${where}: ${row['upstream calls/fan']} upstream calls a fan, expected 1`);
      }
      if ('joined before start' in row && row.row.startsWith('one fan at a time')) {
        const [done, of] = String(row['fans done']).split(' of ');
        if (done !== of || row['saves per fan'] !== '1') wrong.push(`${row.row}: ${row['fans done']} fans done, saves per fan ${row['saves per fan']}`);
      }
      if ('refresh calls (each burst)' in row) {
        if (row['refresh calls (each burst)'] !== '1')
          wrong.push(`refresh, ${row['concurrent requests']} at once: ${row['refresh calls (each burst)']} refresh calls, expected 1 a burst`);
        if (row['refresh calls, 90 s token'] !== '0')
          wrong.push(`refresh, ${row['concurrent requests']} at once: a fresh token was refreshed (${row['refresh calls, 90 s token']})`);
      }
    }
  }
  return wrong;
}
