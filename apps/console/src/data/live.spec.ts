import { eventNames } from './live';

describe('live stream parsing', () => {
  it('returns the names of complete events and keeps the unfinished rest for the next chunk', () => {
    const first = eventNames('event: changed\ndata: {}\n\n: keep-alive\n\nevent: chan');
    expect(first).toEqual({ names: ['changed', 'message'], rest: 'event: chan' });
    const second = eventNames(`${first.rest}ged\ndata: {}\n\nevent: expired\ndata: {"reason":"token_expired"}\n\n`);
    expect(second).toEqual({ names: ['changed', 'expired'], rest: '' });
  });

  it('reads CRLF line ends as well', () => {
    expect(eventNames('event: changed\r\ndata: 1\r\n\r\n').names).toEqual(['changed']);
  });
});
