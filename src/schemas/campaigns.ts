import { z } from '@hono/zod-openapi';
import { ProviderParam, UserId } from './common';
import { ItemResult } from './follows';

/** Limits of one campaign (docs/campaigns.md). */
export const CAMPAIGN_LIMITS = {
  actions: 10,
  idsPerAction: 50,
  fans: 100_000,
  /** Fans one bulk join may carry: each costs one connection read per provider the actions use. */
  joinBatch: 500,
  /** How long a campaign is kept after its last fan finished (or it was cancelled). */
  keptDays: 90,
  /** How far ahead a campaign may be scheduled. */
  aheadDays: 400,
} as const;

const Ids = z
  .array(z.string().max(256, 'an id is at most 256 characters'))
  .min(1, 'send at least one id')
  .max(CAMPAIGN_LIMITS.idsPerAction, `an action has at most ${CAMPAIGN_LIMITS.idsPerAction} ids`);

/**
 * What each fan gets. The provider-specific checks (types, id formats) run when the campaign is
 * created (operations/campaigns.ts), against the same provider code the routes use.
 */
export const CampaignAction = z
  .object({
    provider: ProviderParam,
    op: z.enum(['follow', 'save']),
    type: z.string().max(32).optional().openapi({ example: 'artist' }),
    ids: Ids.optional(),
    uris: Ids.optional().openapi({ description: 'Spotify saves: URIs of mixed types' }),
    upc: z
      .string()
      .regex(/^\d{12,14}$/, 'a UPC is 12-14 digits (UPC-A or EAN-13)')
      .optional()
      .openapi({ description: 'Spotify album saves: the album found by this UPC at run time', example: '00602445798029' }),
    isrc: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, 'an ISRC is 12 characters, like USUM72409273'))
      .optional()
      .openapi({ description: 'Spotify track saves: the track found by this ISRC at run time' }),
    public: z.boolean().optional().openapi({ description: 'Playlist follows: publicly or privately' }),
  })
  .strict()
  .superRefine((a, ctx) => {
    const given = (['ids', 'uris', 'upc', 'isrc'] as const).filter((k) => a[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', path: [given[1] ?? 'ids'], message: 'send exactly one of ids, uris, upc or isrc' });
      return;
    }
    const form = given[0] ?? 'ids';
    const spotifySave = (what: string) => {
      if (a.provider !== 'spotify' || a.op !== 'save') ctx.addIssue({ code: 'custom', path: [form], message: `${what} is for Spotify saves` });
    };
    if (form === 'upc') {
      spotifySave('upc');
      if (a.type !== undefined && a.type !== 'album') ctx.addIssue({ code: 'custom', path: ['type'], message: 'a UPC names an album: type is album' });
    } else if (form === 'isrc') {
      spotifySave('isrc');
      if (a.type !== undefined && a.type !== 'track') ctx.addIssue({ code: 'custom', path: ['type'], message: 'an ISRC names a track: type is track' });
    } else if (form === 'uris') {
      spotifySave('uris');
      if (a.type !== undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: 'leave type out with uris: each URI names its own type' });
    } else if (a.type === undefined) ctx.addIssue({ code: 'custom', path: ['type'], message: 'type is required with ids' });
    if (a.public !== undefined && a.op !== 'follow') ctx.addIssue({ code: 'custom', path: ['public'], message: 'public applies to playlist follows' });
  })
  .openapi('CampaignAction');
export type CampaignAction = z.infer<typeof CampaignAction>;

export const CampaignRun = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('now') }).strict(),
    z
      .object({
        mode: z.literal('at'),
        at: z.iso.datetime({ offset: true, message: 'at is an ISO 8601 date-time, like 2026-12-04T00:00:00Z' }).openapi({ example: '2026-12-04T00:00:00Z' }),
      })
      .strict(),
    z
      .object({
        mode: z.literal('local-midnight'),
        date: z.iso.date({ message: 'date is YYYY-MM-DD, like 2026-12-04' }).openapi({ example: '2026-12-04' }),
      })
      .strict(),
  ])
  .openapi('CampaignRun', {
    description: "now; at one moment (`at`); or at 00:00 of `date` in each fan's time zone (UTC for a fan who gave none).",
  });
export type CampaignRun = z.infer<typeof CampaignRun>;

export const CreateCampaignBody = z
  .object({
    name: z.string().min(1, 'name is required').max(100, 'a name is at most 100 characters'),
    actions: z
      .array(CampaignAction)
      .min(1, 'send at least one action')
      .max(CAMPAIGN_LIMITS.actions, `a campaign has at most ${CAMPAIGN_LIMITS.actions} actions`),
    run: CampaignRun,
    verify: z.boolean().optional().openapi({
      description: "true: a while after each fan's actions ran, check them with the provider's contains calls and mark each item verified or not",
    }),
  })
  .strict()
  .openapi('CampaignCreate');
export type CreateCampaignBody = z.infer<typeof CreateCampaignBody>;

/** An IANA time zone the runtime knows (Europe/Paris). */
export const TimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'timezone is an IANA time zone, like Europe/Paris or America/New_York')
  .openapi({ example: 'Europe/Paris' });

export const JoinBody = z.object({ timezone: TimeZone.optional() }).strict().openapi('CampaignJoin');
export const BulkJoinBody = z
  .object({
    fans: z
      .array(z.object({ user: UserId, timezone: TimeZone.optional() }).strict())
      .min(1, 'send at least one fan')
      .max(CAMPAIGN_LIMITS.joinBatch, `send at most ${CAMPAIGN_LIMITS.joinBatch} fans in one request`),
  })
  .strict()
  .openapi('CampaignBulkJoin');
export type JoiningFan = z.infer<typeof BulkJoinBody>['fans'][number];

export const CampaignPath = z.object({ id: z.string().regex(/^cmp_[0-9a-f]{24}$/, 'a campaign id looks like cmp_ and 24 hex digits') });
export const CampaignFanPath = CampaignPath.extend({ user: UserId });

export const FAN_STATUSES = ['pending', 'running', 'done', 'partly_done', 'failed', 'deferred', 'cancelled'] as const;
export type FanStatus = (typeof FAN_STATUSES)[number];

export const FanListQuery = z.object({
  status: z.enum(FAN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(300).optional(),
});

export const ReleaseState = z
  .object({
    action: z.number().int(),
    upc: z.string().optional(),
    isrc: z.string().optional(),
    state: z.enum(['pending', 'searching', 'resolved', 'waiting', 'not-found']).openapi({
      description:
        'pending: not searched yet (it is searched once, at run time); waiting: the provider does not know it yet, searched again at next_search_at; not-found: given up, the fans failed release-not-found',
    }),
    item: z.object({ type: z.string(), id: z.string(), name: z.string(), uri: z.string() }).nullable(),
    searches: z.number().int(),
    searched_at: z.string().nullable(),
    next_search_at: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .openapi('CampaignRelease');
export type ReleaseState = z.infer<typeof ReleaseState>;

const n = () => z.number().int();
const Counts = z.object({
  fans: n(),
  pending: n(),
  running: n(),
  done: n(),
  partly_done: n(),
  failed: n(),
  deferred: n(),
  cancelled: n(),
}) satisfies z.ZodType<Record<FanStatus | 'fans', number>>;

/** An action as the campaign shows it (as created; an ISRC in capitals). */
const ActionView = z.object({
  provider: z.string(),
  op: z.string(),
  type: z.string().optional(),
  ids: z.array(z.string()).optional(),
  uris: z.array(z.string()).optional(),
  upc: z.string().optional(),
  isrc: z.string().optional(),
  public: z.boolean().optional(),
});

export const ActionCounts = z.object({
  action: z.number().int(),
  provider: z.string(),
  op: z.string(),
  type: z.string().nullable(),
  done: z.number().int(),
  failed: z.number().int(),
  deferred: z.number().int(),
  pending: z.number().int(),
});

export const Campaign = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(['scheduled', 'running', 'completed', 'cancelled']),
    run: CampaignRun,
    actions: z.array(ActionView),
    verify: z.boolean(),
    created_at: z.string(),
    starts_at: z.string().nullable().openapi({ description: 'When the first fan runs (null: local-midnight with no fans yet)' }),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    estimated_end_at: z
      .string()
      .nullable()
      .openapi({ description: "While running: from the last minute's pace (in the first minute, the pace since the start)" }),
    counts: Counts,
    verified: z.object({ verified: z.number().int(), unverified: z.number().int(), waiting: z.number().int() }).nullable(),
    by_action: z.array(ActionCounts),
    failures: z.array(z.object({ reason: z.string(), fans: z.number().int() })).openapi({ description: 'Failed, partly done and deferred fans by reason' }),
    per_minute: z.array(z.object({ minute: z.string(), done: n(), partly_done: n(), failed: n() })).openapi({
      description: 'Fans finished in each minute (its start, UTC) of the hour up to the last finish, oldest first; a minute with none is left out',
    }),
    releases: z.array(ReleaseState),
  })
  .openapi('Campaign');
export type CampaignView = z.infer<typeof Campaign>;

export const FanAction = z.object({
  action: z.number().int(),
  status: z.enum(['pending', 'done', 'partly_done', 'failed', 'deferred']),
  results: z.array(ItemResult.extend({ verified: z.boolean().optional() })),
});

export const Fan = z
  .object({
    user: z.string(),
    status: z.enum(FAN_STATUSES),
    reason: z.string().nullable(),
    timezone: z.string().nullable(),
    run_at: z.string(),
    retry_at: z.string().nullable(),
    attempts: z.number().int(),
    joined_at: z.string(),
    finished_at: z.string().nullable(),
    verified: z.boolean().nullable(),
    actions: z.array(FanAction),
  })
  .openapi('CampaignFan');
export type FanView = z.infer<typeof Fan>;

export const FanList = z.object({ fans: z.array(Fan), next_cursor: z.string().nullable() }).openapi('CampaignFans');
export const CampaignList = z.object({ campaigns: z.array(Campaign), next_cursor: z.string().nullable() }).openapi('Campaigns');
export const CampaignListQuery = z.object({ cursor: z.string().max(1000).optional(), limit: z.coerce.number().int().min(1).max(50).default(20) });

export const JoinResult = z
  .object({
    joined: z.array(z.string()),
    already: z.array(z.string()),
    refused: z.array(z.object({ user: z.string(), problem: z.record(z.string(), z.unknown()) })),
  })
  .openapi('CampaignJoinResult');
