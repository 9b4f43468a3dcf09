import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { PARTNER_ROLES, PartnerRole } from '@app/registry';

/** A validity window: keys, licences and delegations hold from validFrom until validUntil (open-ended when absent). */
class ValidityWindowDto {
  @ApiProperty({ example: '2026-01-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  validFrom: string;

  @ApiPropertyOptional({ example: '2028-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string;
}

export class PartnerKeyDto extends ValidityWindowDto {
  @ApiProperty({ example: '0614141000005/2026-a', description: 'Key id named by JWS headers: <GLN>/<label>' })
  @Matches(/^\d{13}\/[A-Za-z0-9._-]{1,64}$/, { message: 'kid must be <GLN>/<label> with a label of [A-Za-z0-9._-]{1,64}' })
  kid: string;

  @ApiProperty({ description: 'Public key as a JWK: OKP/Ed25519 or EC/P-256' })
  @IsObject()
  publicJwk: Record<string, string>;
}

export const LICENCE_KINDS = ['fda-registration', 'state-wholesale', 'state-3pl', 'state-pharmacy', 'state-manufacturer'] as const;

export class LicenceDto extends ValidityWindowDto {
  @ApiProperty({ enum: LICENCE_KINDS })
  @IsIn(LICENCE_KINDS)
  kind: (typeof LICENCE_KINDS)[number];

  @ApiProperty({ example: 'WD-123456' })
  @IsString()
  @Length(1, 64)
  number: string;

  @ApiPropertyOptional({ example: 'US-NJ', description: 'Issuing state or US for federal' })
  @IsOptional()
  @Matches(/^US(-[A-Z]{2})?$/, { message: 'jurisdiction must be US or US-<state code>' })
  jurisdiction?: string;
}

export class DelegateDto extends ValidityWindowDto {
  @ApiProperty({ example: '0614142000001', description: 'GLN of the contract manufacturer or repackager' })
  @Matches(/^\d{13}$/, { message: 'gln must be 13 digits' })
  gln: string;

  @ApiProperty({ enum: ['contract-manufacturer', 'repackager'] })
  @IsIn(['contract-manufacturer', 'repackager'])
  role: 'contract-manufacturer' | 'repackager';
}

export class RegisterPartnerDto {
  @ApiProperty({ example: '0614141000005' })
  @Matches(/^\d{13}$/, { message: 'gln must be 13 digits' })
  gln: string;

  @ApiProperty({ example: 'Acme Pharma Inc.' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: PARTNER_ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(PARTNER_ROLES, { each: true })
  roles: PartnerRole[];

  @ApiProperty({ type: [PartnerKeyDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PartnerKeyDto)
  keys: PartnerKeyDto[];

  @ApiPropertyOptional({ example: ['0614141'], description: 'GS1 company prefixes the partner owns' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^\d{4,12}$/, { each: true, message: 'each company prefix must be 4 to 12 digits' })
  companyPrefixes?: string[];

  @ApiPropertyOptional({ type: [LicenceDto], description: 'FDA registration, state wholesale / 3PL / pharmacy licences' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LicenceDto)
  licences?: LicenceDto[];
}

export class CredentialDto {
  @ApiProperty({ example: 'pharmacy counter app' })
  @IsString()
  @Length(1, 100)
  label: string;

  @ApiPropertyOptional({ example: '2027-11-22T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class RevokeKeyDto {
  @ApiPropertyOptional({ description: 'When the key stopped being trustworthy; defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  revokedAt?: string;
}
