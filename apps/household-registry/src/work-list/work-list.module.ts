import { Module } from '@nestjs/common';
import { WorkListController } from './work-list.controller';
import { WorkListService } from './work-list.service';

@Module({ controllers: [WorkListController], providers: [WorkListService] })
export class WorkListModule {}
