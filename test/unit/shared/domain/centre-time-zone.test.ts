import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { centreTimeZone } from '../../../../src/shared/domain/centre-time-zone';
import { isTimeZone } from '../../../../src/shared/domain/zoned-time';
import { dateIn, endOfDay } from '../../../../src/shared/domain/zoned-time';

describe('centreTimeZone: a deadline "by D" passes at the end of D in the zone of the centre’s seat', () => {
  it('AGR-2 overseas departments have their own zone', () => {
    expect(centreTimeZone({ department: '971' })).toBe('America/Guadeloupe');
    expect(centreTimeZone({ department: '972' })).toBe('America/Martinique');
    expect(centreTimeZone({ department: '973' })).toBe('America/Cayenne');
    expect(centreTimeZone({ department: '974' })).toBe('Indian/Reunion');
    expect(centreTimeZone({ department: '976' })).toBe('Indian/Mayotte');
  });

  it('AGR-2 metropolitan departments (Corsica and Alsace-Moselle included) are in Europe/Paris', () => {
    for (const department of ['01', '2A', '2B', '57', '67', '75', '95'])
      expect(centreTimeZone({ department, foreign: false })).toBe('Europe/Paris');
    // Not a department: no zone from the object's prototype.
    for (const department of ['constructor', 'toString', '__proto__']) expect(centreTimeZone({ department })).toBe('Europe/Paris');
  });

  it('AGR-2 a valid recorded zone wins over the department; an invalid one is ignored', () => {
    expect(centreTimeZone({ department: '75', timeZone: 'America/Cayenne' })).toBe('America/Cayenne');
    expect(centreTimeZone({ department: '974', timeZone: 'Indian/Mayotte' })).toBe('Indian/Mayotte');
    expect(centreTimeZone({ department: '974', timeZone: 'Mars/Olympus_Mons' })).toBe('Indian/Reunion');
    expect(centreTimeZone({ department: '971', timeZone: '' })).toBe('America/Guadeloupe');
    expect(centreTimeZone({ department: '971', timeZone: null })).toBe('America/Guadeloupe');
  });

  it('APP-8 a centre abroad has its recorded zone, else Pix’s head-office zone; so has a centre without a department', () => {
    expect(centreTimeZone({ foreign: true, timeZone: 'America/Montreal' })).toBe('America/Montreal');
    expect(centreTimeZone({ foreign: true, department: '971' })).toBe(PARAMETERS.agrement.timeZone);
    expect(centreTimeZone({ foreign: true })).toBe(PARAMETERS.agrement.timeZone);
    expect(centreTimeZone({ department: null })).toBe(PARAMETERS.agrement.timeZone);
    expect(centreTimeZone({})).toBe(PARAMETERS.agrement.timeZone);
  });

  it('AGR-2 overseas collectivities are not given Paris time (Pacific/Noumea, Pacific/Tahiti, …)', () => {
    expect(centreTimeZone({ department: '988' })).toBe('Pacific/Noumea');
    expect(centreTimeZone({ department: '987' })).toBe('Pacific/Tahiti');
    expect(centreTimeZone({ department: '975' })).toBe('America/Miquelon');
  });

  it('AGR-2 every zone it returns is a valid IANA zone in which a day ends at local midnight', () => {
    const departments = ['75', '971', '972', '973', '974', '975', '976', '977', '978', '986', '987', '988'];
    for (const department of departments) {
      const zone = centreTimeZone({ department });
      expect(isTimeZone(zone), zone).toBe(true);
      expect(dateIn(endOfDay('2026-05-27', zone), zone)).toBe('2026-05-28');
      expect(dateIn(new Date(endOfDay('2026-05-27', zone).getTime() - 1), zone)).toBe('2026-05-27');
    }
  });
});
