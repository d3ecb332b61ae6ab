import {
  ANNOUNCE_LEASE_MS,
  announcementClaimable,
  announcementDone,
  announcementOwed,
  claimAnnouncement,
} from '../../../src/domain/announcement';
import { buildRecord } from '../blocks/fixtures';

describe('Function: announcementClaimable', () => {
  const now = new Date('2026-11-23T13:06:00Z');

  it('is owed only for a decided record whose notices are not both done', () => {
    // Act / Assess
    expect(announcementOwed(buildRecord())).toBe(false);
    expect(announcementOwed(buildRecord({ decision: 'deny' }))).toBe(true);
    expect(announcementOwed(buildRecord({ decision: 'deny', announcement: { thread: 'sent' } }))).toBe(true);
    expect(announcementDone({ announcement: { thread: 'sent', requester: 'skipped' } })).toBe(true);
    expect(
      announcementOwed(buildRecord({ decision: 'expired', announcement: { thread: 'sent', requester: 'skipped' } })),
    ).toBe(false);
  });

  it('a live lease holds the notices; a lease past ANNOUNCE_LEASE_MS can be taken over', () => {
    // Prepare
    const claimed = claimAnnouncement(buildRecord({ decision: 'approve', announcement: { thread: 'sent' } }), now);
    const later = new Date(now.getTime() + ANNOUNCE_LEASE_MS);

    // Act / Assess
    expect(claimed.announcement).toEqual({ thread: 'sent', claimedAt: now.toISOString() });
    expect(announcementClaimable(claimed, new Date(now.getTime() + 1000))).toBe(false);
    expect(announcementClaimable(claimed, later)).toBe(true);
  });
});
