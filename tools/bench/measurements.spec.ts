import { activityPerEvent } from './measurements';

describe('benchmark database work per event', () => {
  it('divides the counters moved during a phase by its events', () => {
    expect(activityPerEvent({ commits: 1000, rowsWritten: 5000 }, { commits: 1600, rowsWritten: 8000 }, 300)).toEqual({ commitsPerEvent: 2, rowsWrittenPerEvent: 10 });
  });

  it('gives no figure for a phase without events', () => {
    const cost = activityPerEvent({ commits: 1, rowsWritten: 1 }, { commits: 9, rowsWritten: 9 }, 0);
    expect(cost.commitsPerEvent).toBeNaN();
    expect(cost.rowsWrittenPerEvent).toBeNaN();
  });
});
