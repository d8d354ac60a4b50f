// One module per resource (controller + service + zod schemas); domain rules live in libs.
// Next: tenants, accounts, users, exports/imports, API tokens, signup, account resolver.
import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule, type CoreResources } from './core.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PlansModule } from './plans/plans.module.js';

@Module({})
export class AppModule {
  static register(resources: CoreResources): DynamicModule {
    return { module: AppModule, imports: [CoreModule.register(resources), MetricsModule, HealthModule, PlansModule] };
  }
}
