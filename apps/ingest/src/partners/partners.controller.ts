import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '@app/platform';
import { AdminGuard } from './admin.guard';
import { CredentialDto, DelegateDto, RegisterPartnerDto, RevokeKeyDto } from './partner.dto';
import { PartnersService } from './partners.service';
import { RegistryLog } from './registry-log.service';

@ApiTags('partners')
@Controller()
export class PartnersController {
  constructor(
    private readonly partners: PartnersService,
    private readonly log: RegistryLog,
  ) {}

  /** Every registry change, hash-chained and signed: anyone can check nobody rewrote who was trusted when. */
  @Get('registry/log')
  registryLog(@Query('after') after = '-1', @Query('limit') limit = '1000') {
    if (!/^-?\d{1,15}$/.test(after) || !/^\d{1,4}$/.test(limit)) throw new ProblemException(400, 'invalid-query', 'after and limit must be integers');
    return this.log.entries(Number(after), Math.max(1, Number(limit)));
  }

  @Get('registry/key')
  registryKey() {
    return this.log.publicJwk;
  }

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

  @Post('admin/partners/:gln/credentials')
  @ApiBearerAuth()
  @UseGuards(AdminGuard)
  @HttpCode(201)
  issueCredential(@Param('gln') gln: string, @Body() dto: CredentialDto) {
    return this.partners.issueCredential(gln, dto.label, dto.expiresAt ? new Date(dto.expiresAt) : undefined);
  }

  @Post('admin/partners/:gln/credentials/:id/revoke')
  @ApiBearerAuth()
  @UseGuards(AdminGuard)
  @HttpCode(204)
  revokeCredential(@Param('gln') gln: string, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string) {
    return this.partners.revokeCredential(gln, id);
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
