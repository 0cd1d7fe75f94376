import { Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import { AUDIT_TENANTS, AuditController, type AuditTenants } from './audit.controller';

/** GET /audit for a service; its writes call recordAudit in their own transactions. */
@Module({})
export class AuditModule {
  static forRoot(tenants: AuditTenants): DynamicModule {
    return { module: AuditModule, controllers: [AuditController], providers: [{ provide: AUDIT_TENANTS, useValue: tenants }] };
  }

  /** When the tenant lookups need the service's own providers (e.g. reporting's projection store). */
  static forRootAsync<Deps extends unknown[]>(options: { inject: InjectionToken[]; useFactory: (...deps: Deps) => AuditTenants }): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController],
      providers: [{ provide: AUDIT_TENANTS, inject: options.inject, useFactory: options.useFactory as (...deps: unknown[]) => AuditTenants }],
    };
  }
}
