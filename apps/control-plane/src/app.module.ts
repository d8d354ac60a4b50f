// One module per resource (controller + service + *.schema.ts), each importing the modules whose
// providers it uses; CoreModule alone is global (resources opened before Nest starts). Domain rules live in libs.
import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule, type CoreResources } from './core.module.js';
import { AuthModule } from './auth/auth.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PlansModule } from './plans/plans.module.js';
import { SignupModule } from './signup/signup.module.js';
import { OperatorModule } from './operator/operator.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { UsersModule } from './users/users.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { ApiTokensModule } from './api-tokens/api-tokens.module.js';
import { BrokersModule } from './brokers/brokers.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AccountServerModule } from './account-server/account-server.module.js';
import { UsageModule } from './usage/usage.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { MembersModule } from './members/members.module.js';
import { MonitoringModule } from './monitoring/monitoring.module.js';
import { PropagationModule } from './propagation/propagation.module.js';
import { JetStreamModule } from './jetstream/jetstream.module.js';

const resources = [
  PlansModule,
  SignupModule,
  OperatorModule,
  TenantsModule,
  AccountsModule,
  UsersModule,
  ExportsModule,
  ImportsModule,
  ApiTokensModule,
  BrokersModule,
  AuditModule,
  AccountServerModule,
  UsageModule,
  SessionsModule,
  MembersModule,
  MonitoringModule,
  JetStreamModule,
  PropagationModule,
];

@Module({})
export class AppModule {
  static register(r: CoreResources): DynamicModule {
    return { module: AppModule, imports: [CoreModule.register(r), AuthModule, MetricsModule, HealthModule, ...resources] };
  }
}
