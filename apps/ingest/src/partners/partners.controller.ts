import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@app/platform';
import { AdminGuard } from './admin.guard';
import { DelegateDto, RegisterPartnerDto, RevokeKeyDto } from './partner.dto';
import { PartnersService } from './partners.service';

@ApiTags('partners')
@Controller()
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post('admin/partners')
  @ApiBearerAuth()
  @UseGuards(AdminGuard)
  @HttpCode(200)
  register(@Body() dto: RegisterPartnerDto) {
    return this.partners.register(dto);
  }

  @Post('admin/partners/:gln/keys/:kid/revoke')
  @ApiBearerAuth()
  @UseGuards(AdminGuard)
  @HttpCode(200)
  revoke(@Param('gln') gln: string, @Param('kid') kid: string, @Body() dto: RevokeKeyDto) {
    return this.partners.revokeKey(gln, kid, dto.revokedAt ? new Date(dto.revokedAt) : new Date());
  }

  @Post('admin/partners/:gln/prefixes/:prefix/delegates')
  @ApiBearerAuth()
  @UseGuards(AdminGuard)
  @HttpCode(200)
  addDelegate(@Param('gln') gln: string, @Param('prefix') prefix: string, @Body() dto: DelegateDto) {
    return this.partners.addDelegate(gln, prefix, dto);
  }

  /** Public keys are public: any partner may fetch them to verify signatures itself. */
  @Get('partners')
  list() {
    return this.partners.list();
  }

  @Get('partners/:gln')
  async get(@Param('gln') gln: string) {
    const partner = await this.partners.find(gln);
    if (!partner) throw new ProblemException(404, 'unknown-partner', `no partner with GLN ${gln}`);
    return partner;
  }
}
