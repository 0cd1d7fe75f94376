import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsCalendarDay } from '@dtc/platform';
import { TargetView } from '../campaigns/campaign.dto';
import { DataAsOf } from '../freshness/freshness.dto';

export class AsOfQuery {
  @ApiPropertyOptional({ example: '2026-08-02', description: 'Report day (Vietnam); defaults to today. Ages for eligibility are taken on this day.' })
  @IsOptional()
  @IsCalendarDay()
  asOf?: string;
}

export class CommuneProgressQuery extends AsOfQuery {
  @ApiPropertyOptional({ example: '16279', description: 'Required for province campaigns: the commune to report on' })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: 'communeCode must be the 5-digit official commune code' })
  communeCode?: string;
}

export class ProvinceProgressQuery extends AsOfQuery {
  @ApiPropertyOptional({ example: 'cccd_applications', description: 'Indicator the communes are ranked by (default: the first target)' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{2,60}$/, { message: 'rankBy must be an indicator code' })
  rankBy?: string;
}

export class SeriesQuery extends CommuneProgressQuery {}

export class CampaignSummary {
  @ApiProperty({ example: '0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d' }) id!: string;
  @ApiProperty({ example: 'Chiến dịch 60 ngày đêm' }) name!: string;
  @ApiProperty({ enum: ['commune', 'province'], example: 'commune' }) scope!: 'commune' | 'province';
  @ApiPropertyOptional({ example: '16279', nullable: true, type: String }) communeCode!: string | null;
  @ApiProperty({ example: '38' }) provinceCode!: string;
  @ApiProperty({ example: '2026-07-21' }) startsOn!: string;
  @ApiProperty({ example: '2026-08-02' }) endsOn!: string;
}

export class IndicatorProgress {
  @ApiProperty({ example: 'cccd_applications' }) code!: string;
  @ApiProperty({ example: 'Hồ sơ cấp CCCD gắn chip' }) labelVi!: string;
  @ApiProperty({ example: 'Chip ID card applications' }) labelEn!: string;
  @ApiProperty({ example: 'people' }) unit!: string;
  @ApiProperty({ example: 'Residents whose chip ID card application was collected' }) definition!: string;
  @ApiProperty({ enum: ['window', 'cumulative'], example: 'window' }) counting!: 'window' | 'cumulative';
  @ApiProperty({ type: TargetView }) targetSpec!: TargetView;
  @ApiPropertyOptional({ example: 10084, nullable: true, type: Number, description: 'The target as a number here (a share resolved against the population)' }) target!: number | null;
  @ApiPropertyOptional({ example: 10033, nullable: true, type: Number, description: 'Counted against the target (in the window, or to date when cumulative)' }) achieved!: number | null;
  @ApiPropertyOptional({ example: 10033, nullable: true, type: Number }) addedInWindow!: number | null;
  @ApiPropertyOptional({ example: 10033, nullable: true, type: Number }) achievedToDate!: number | null;
  @ApiPropertyOptional({ example: 99.49, nullable: true, type: Number, description: 'achieved / target * 100, rounded half up to 2 decimals' }) percent!: number | null;
  @ApiPropertyOptional({ example: 51, nullable: true, type: Number }) remaining!: number | null;
  @ApiPropertyOptional({ example: 771.77, nullable: true, type: Number }) dailyRunRate!: number | null;
  @ApiPropertyOptional({ example: '2026-08-03', nullable: true, type: String, format: 'date' }) projectedCompletion!: string | null;
  @ApiProperty({ example: false }) atRisk!: boolean;
  @ApiPropertyOptional({ example: 13, nullable: true, type: 'integer' }) daysElapsed!: number | null;
  @ApiPropertyOptional({ example: 0, nullable: true, type: 'integer' }) daysLeft!: number | null;
  @ApiPropertyOptional({ example: ['2026-07'], type: [String], description: 'External indicators: the periods the value comes from' }) reportedPeriods?: string[];
}

export class BriefProgress {
  @ApiProperty({ example: 'cccd_applications' }) code!: string;
  @ApiProperty({ example: 1830 }) achieved!: number;
  @ApiPropertyOptional({ example: 1845, nullable: true, type: Number }) target!: number | null;
  @ApiPropertyOptional({ example: 99.19, nullable: true, type: Number }) percent!: number | null;
}

export class VillageProgress {
  @ApiProperty({ example: '5c1d2b7e-6a0f-4c9b-8d3e-2f1a0b9c8d7e' }) villageId!: string;
  @ApiPropertyOptional({ example: 'DONG-HOA', nullable: true, type: String }) villageCode!: string | null;
  @ApiPropertyOptional({ example: 'Thôn Đông Hòa', nullable: true, type: String }) villageName!: string | null;
  @ApiProperty({ example: 412 }) households!: number;
  @ApiProperty({ example: 1650 }) residents!: number;
  @ApiProperty({ example: 1320 }) eligibleResidents!: number;
  @ApiProperty({ example: 380 }) withDigitalCore!: number;
  @ApiProperty({ example: 395 }) withSmartphone!: number;
  @ApiProperty({ example: 410 }) visited!: number;
  @ApiProperty({ example: 4 }) organisations!: number;
  @ApiProperty({ example: 2 }) organisationsEIdentified!: number;
  @ApiProperty({ type: [BriefProgress] }) indicators!: BriefProgress[];
}

export class ObstacleCount {
  @ApiProperty({ example: 'no_smartphone', description: 'The code (same as `code`; kept for existing readers)' }) obstacle!: string;
  @ApiProperty({ example: 'no_smartphone' }) code!: string;
  @ApiProperty({ example: 'Không có điện thoại thông minh' }) labelVi!: string;
  @ApiProperty({ example: 'No smartphone' }) labelEn!: string;
  @ApiProperty({ example: 37, description: 'Households whose latest visit reported it' }) households!: number;
}

export class HouseholdSummary {
  @ApiProperty({ example: 1830 }) total!: number;
  @ApiProperty({ example: 1650 }) withDigitalCore!: number;
  @ApiProperty({ example: 1700 }) withSmartphone!: number;
  @ApiProperty({ example: 1800 }) visited!: number;
  @ApiProperty({ type: [ObstacleCount] }) obstacles!: ObstacleCount[];
}

export class PopulationSummary {
  @ApiProperty({ example: 12500 }) residents!: number;
  @ApiProperty({ example: 10084, description: 'Living residents aged 14+ on the report day' }) eligibleResidents!: number;
  @ApiProperty({ example: 9300 }) adults!: number;
  @ApiProperty({ example: 1830 }) households!: number;
  @ApiProperty({ example: 41 }) organisations!: number;
}

export class OrganisationSummary {
  @ApiProperty({ example: 41 }) total!: number;
  @ApiProperty({ example: 24 }) eIdentified!: number;
}

export class CommuneProgress {
  @ApiProperty({ type: CampaignSummary }) campaign!: CampaignSummary;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiProperty({ example: '38' }) provinceCode!: string;
  @ApiProperty({ example: '2026-08-02' }) asOf!: string;
  @ApiProperty({ type: PopulationSummary }) population!: PopulationSummary;
  @ApiProperty({ type: HouseholdSummary }) households!: HouseholdSummary;
  @ApiProperty({ type: OrganisationSummary }) organisations!: OrganisationSummary;
  @ApiProperty({ type: [IndicatorProgress] }) indicators!: IndicatorProgress[];
  @ApiProperty({ type: [VillageProgress] }) villages!: VillageProgress[];
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind' }) dataAsOf!: DataAsOf;
}

export class CommuneRank {
  @ApiProperty({ example: 1, description: '1 = furthest behind' }) rank!: number;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiPropertyOptional({ example: 87.5, nullable: true, type: Number, description: 'Percent of target of the ranking indicator' }) percent!: number | null;
  @ApiProperty({ type: [BriefProgress] }) indicators!: BriefProgress[];
}

export class ProvinceProgress {
  @ApiProperty({ type: CampaignSummary }) campaign!: CampaignSummary;
  @ApiProperty({ example: '38' }) provinceCode!: string;
  @ApiProperty({ example: '2026-08-02' }) asOf!: string;
  @ApiPropertyOptional({ example: 'cccd_applications', nullable: true, type: String }) rankedBy!: string | null;
  @ApiProperty({ type: [IndicatorProgress], description: 'Province totals' }) indicators!: IndicatorProgress[];
  @ApiProperty({ type: [CommuneRank], description: 'Laggards first' }) communes!: CommuneRank[];
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind, read with the figures' }) dataAsOf!: DataAsOf;
  @ApiProperty({ example: '2026-08-02T09:15:00.300Z', description: 'When these figures were computed: they hold every event projected before this instant' }) computedAt!: string;
  @ApiProperty({
    example: false,
    description:
      'True when events were projected after computedAt: these are the last figures, newer ones are being computed (at most every 300 ms per ranking; figures more than 5 s behind a change are never served). Live viewers get a "changed" event when they are ready.',
  })
  refreshing!: boolean;
}

export class LeaderboardEntry {
  @ApiProperty({ example: 1 }) rank!: number;
  @ApiProperty({ example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b', description: 'Team or member id (names stay in the training service)' }) id!: string;
  @ApiProperty({ example: 412, description: 'Sum of the campaign indicators that teams record' }) total!: number;
  @ApiProperty({ type: [BriefProgress] }) indicators!: BriefProgress[];
  @ApiPropertyOptional({ example: 'mobile_working_group', nullable: true, type: String, description: 'Team kind, or member affiliation' }) kind?: string | null;
  @ApiPropertyOptional({ example: 12, nullable: true, type: 'integer' }) members?: number | null;
  @ApiPropertyOptional({ example: true, nullable: true, type: Boolean }) active?: boolean | null;
}

export class TeamLeaderboard {
  @ApiProperty({ example: '0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d' }) campaignId!: string;
  @ApiProperty({ example: '16279' }) communeCode!: string;
  @ApiPropertyOptional({ example: 'e1f2a3b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b' }) teamId?: string;
  @ApiProperty({ example: '2026-08-02' }) asOf!: string;
  @ApiProperty({ type: [LeaderboardEntry], description: 'Most achieved first' }) entries!: LeaderboardEntry[];
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind' }) dataAsOf!: DataAsOf;
}

export class SeriesPoint {
  @ApiProperty({ example: '2026-07-22' }) day!: string;
  @ApiProperty({ example: 812 }) value!: number;
  @ApiProperty({ example: 1630 }) cumulative!: number;
}

export class IndicatorSeries {
  @ApiProperty({ example: 'cccd_applications' }) code!: string;
  @ApiProperty({ example: 'Hồ sơ cấp CCCD gắn chip' }) labelVi!: string;
  @ApiProperty({ example: 'Chip ID card applications' }) labelEn!: string;
  @ApiProperty({ type: [SeriesPoint] }) points!: SeriesPoint[];
}

export class CampaignSeries {
  @ApiProperty({ example: '0b9e3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d' }) campaignId!: string;
  @ApiPropertyOptional({ example: '16279', nullable: true, type: String }) communeCode!: string | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) provinceCode!: string | null;
  @ApiProperty({ example: '2026-08-02' }) asOf!: string;
  @ApiProperty({ type: [IndicatorSeries] }) indicators!: IndicatorSeries[];
  @ApiProperty({ type: DataAsOf, description: 'How fresh these figures are: per source stream, the newest event applied and the messages still behind' }) dataAsOf!: DataAsOf;
}
