import type { Announcement, IncidentRecord } from './incidentRecord';

/**
 * After a decision (or an expiry), two notices close the loop: one line in
 * the card's thread, and a DM to the requester when chainsec itself knows who
 * started the request (never whom the request names). Each is sent once: a
 * sender first takes a lease (`announcement.claimedAt`) in a conditional
 * write, then marks each notice done. A lease older than
 * {@link ANNOUNCE_LEASE_MS} is a sender that crashed: the sweep takes over
 * (the only case where a notice can be sent twice).
 */

/** How long a sender holds the notices before the sweep may take them over. */
export const ANNOUNCE_LEASE_MS = 120_000;

/** Sends tried before what is still not sent is given up (a user Slack will not DM, a deleted card). */
export const ANNOUNCE_MAX_ATTEMPTS = 5;

/** Whether both notices of a decided record are done (sent or skipped). */
export function announcementDone(record: Pick<IncidentRecord, 'announcement'>): boolean {
  return record.announcement?.thread !== undefined && record.announcement.requester !== undefined;
}

/** Whether a record has a decision whose notices still have to be sent (leased or not). */
export function announcementOwed(record: Pick<IncidentRecord, 'decision' | 'announcement'>): boolean {
  return record.decision !== undefined && !announcementDone(record);
}

/** Whether a sender may take the notices now: owed, and nobody holds a live lease. */
export function announcementClaimable(record: Pick<IncidentRecord, 'decision' | 'announcement'>, now: Date): boolean {
  if (!announcementOwed(record)) return false;
  const claimed = record.announcement?.claimedAt;
  return claimed === undefined || now.getTime() - Date.parse(claimed) >= ANNOUNCE_LEASE_MS;
}

/** The record with the lease taken as of `now` (what was sent before stays marked). */
export function claimAnnouncement(record: IncidentRecord, now: Date): IncidentRecord {
  const next: Announcement = { ...record.announcement, claimedAt: now.toISOString() };
  return { ...record, announcement: next };
}
