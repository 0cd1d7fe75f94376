import { Module } from '@nestjs/common';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

/** Micro-plans live beside the teams, memberships and village assignments they are made of. */
@Module({ controllers: [PlansController], providers: [PlansService] })
export class PlansModule {}
