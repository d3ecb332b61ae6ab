/** What one sweep did, incident ids by kind of work. */
export interface SweepReport {
  now: string;
  escalated: Array<{ incidentId: string; level: number; users: string[] }>;
  expired: string[];
  redriven: Array<{ incidentId: string; outcome: string }>;
  cardsFixed: string[];
  /** Decisions whose notices (thread line, requester DM) were sent. */
  announced: string[];
  /** Cards posted late (their first post failed) and digests / threads brought up to date. */
  posted: string[];
  /** Ledger entries committed but left unpublished (a crash or an outage after the commit), now in the ledger table. */
  entriesPublished: number;
  /** Route channels the bot is not in, alerted about by this sweep (once each, across sweeps). */
  routeAlerts: string[];
  /** The anchor written by this sweep, if the ledger changed since the last one. */
  anchor?: { seq: number; chains: number };
  errors: Array<{ incidentId: string; error: string }>;
}

/** A report of nothing done yet, for a sweep that runs at `now`. */
export function newSweepReport(now: Date): SweepReport {
  return {
    now: now.toISOString(),
    escalated: [],
    expired: [],
    redriven: [],
    cardsFixed: [],
    announced: [],
    posted: [],
    entriesPublished: 0,
    routeAlerts: [],
    errors: [],
  };
}
