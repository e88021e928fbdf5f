import { Body, Controller, HttpCode, Logger, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseScenario } from '../simulation/scenario';
import { simulate } from '../simulation/simulate';
import { Can } from '../../http/auth';
import { Expensive } from '../../http/security/throttling';
import { ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';

@ApiTags('simulations')
@ApiBearerAuth()
@Controller('simulations')
export class SimulationsController {
  private readonly logger = new Logger('Simulation');

  @Post()
  @HttpCode(200)
  @Can('simulation.run')
  @Expensive()
  @ApiOperation({
    summary:
      'What-if timeline: replay a scenario through the production agrément workflow on the time-skipping server (see README, examples/)',
  })
  @ApiSuccess(v.simulatedTimeline)
  run(@Body() body: unknown) {
    // 400 naming the event and field at fault when the scenario is malformed.
    const scenario = parseScenario(body);
    return simulate(scenario, (m) => this.logger.log(m));
  }
}
