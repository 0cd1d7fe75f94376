import { apis } from './api';
import type { AccessClaims } from './oidc';
import type { Assignment } from './session';

export class NotAMember extends Error {}

/**
 * Who the signed-in member is and which teams they work in, from the services (a provider's
 * token carries only the subject and the commune): the commune's active teams with this member.
 */
export async function assignmentFromServices(token: string, claims: AccessClaims): Promise<Assignment> {
  const communeCode = claims.communes?.[0];
  if (!communeCode) throw new NotAMember('the token names no commune');
  const api = apis(token);
  const [teams, commune] = await Promise.all([
    api.training.GET('/teams', { params: { query: { communeCode } } }),
    api.registry.GET('/communes/{code}', { params: { path: { code: communeCode } } }),
  ]);
  if (!teams.data) throw new Error(`teams: ${teams.response.status}`);
  const mine = teams.data.filter((team) => team.memberships.some((membership) => membership.memberId === claims.sub && !membership.leftAt));
  if (mine.length === 0) throw new NotAMember('not an active member of any team of the commune');
  const membership = mine.flatMap((team) => team.memberships).find((entry) => entry.memberId === claims.sub);
  return {
    communeCode,
    communeName: commune.data?.name,
    memberId: claims.sub,
    memberName: membership?.fullName ?? claims.sub,
    teams: mine.map((team) => ({ id: team.id, name: team.name, villageIds: team.villageIds })),
    teamId: mine[0].id,
  };
}
