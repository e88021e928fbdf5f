import { REGIONS } from '../shared/domain/regions';
import type { EligibilityCategory } from '../application/domain/application';

/**
 * DEMO DATA ONLY (`./dev start`): realistic French organisation names for the demo portfolio, generated
 * deterministically from small lists of name parts with a fixed seed, so that every start seeds the same
 * portfolio. Never used by the domain.
 */
export const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const PEOPLE = [
  'Jean Moulin',
  'Marie Curie',
  'Victor Hugo',
  'Simone Veil',
  'Jules Ferry',
  'Louise Michel',
  'Paul Langevin',
  'George Sand',
  'Jean Jaurès',
  'Olympe de Gouges',
  'Albert Camus',
  'Germaine Tillion',
  'Louis Pasteur',
  'Colette',
  'Gustave Eiffel',
  'Lucie Aubrac',
  'Blaise Pascal',
  'Marguerite Yourcenar',
  'Antoine de Saint-Exupéry',
  'Joséphine Baker',
];
const TRADES = ['du numérique', 'des métiers du tertiaire', 'du BTP', 'de l’industrie', 'de l’hôtellerie', 'du commerce', 'de la santé'];
const PROVIDER_WORDS = ['Compétences', 'Formation', 'Numérique', 'Avenir', 'Savoirs', 'Horizon', 'Digital', 'Talents', 'Pro'];
const PROVIDER_SUFFIX = ['Conseil', 'Formation', 'Académie', 'Campus', 'Institut', 'Solutions'];
const FIRST_NAMES = ['Camille', 'Lucas', 'Manon', 'Hugo', 'Léa', 'Nathan', 'Chloé', 'Louis', 'Inès', 'Yanis', 'Sarah', 'Karim', 'Julie'];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Fournier',
  'Girard',
  'Mercier',
  'Haddad',
  'Nguyen',
  'Diallo',
];

/** Department code → a town in it (the prefecture for the common cases; the department's code otherwise). */
const TOWNS: Record<string, string> = {
  '01': 'Bourg-en-Bresse',
  '06': 'Nice',
  '13': 'Marseille',
  '14': 'Caen',
  '17': 'La Rochelle',
  '21': 'Dijon',
  '25': 'Besançon',
  '29': 'Brest',
  '31': 'Toulouse',
  '33': 'Bordeaux',
  '34': 'Montpellier',
  '35': 'Rennes',
  '37': 'Tours',
  '38': 'Grenoble',
  '42': 'Saint-Étienne',
  '44': 'Nantes',
  '45': 'Orléans',
  '49': 'Angers',
  '51': 'Reims',
  '54': 'Nancy',
  '57': 'Metz',
  '59': 'Lille',
  '62': 'Arras',
  '63': 'Clermont-Ferrand',
  '64': 'Pau',
  '67': 'Strasbourg',
  '68': 'Mulhouse',
  '69': 'Lyon',
  '72': 'Le Mans',
  '75': 'Paris',
  '76': 'Rouen',
  '80': 'Amiens',
  '83': 'Toulon',
  '84': 'Avignon',
  '86': 'Poitiers',
  '87': 'Limoges',
  '92': 'Nanterre',
  '93': 'Saint-Denis',
  '94': 'Créteil',
  '974': 'Saint-Denis de La Réunion',
  '971': 'Pointe-à-Pitre',
  '2A': 'Ajaccio',
  '2B': 'Bastia',
  '66': 'Perpignan',
  '30': 'Nîmes',
  '56': 'Vannes',
  '22': 'Saint-Brieuc',
};
const DEPARTMENTS = Object.keys(TOWNS).filter((d) => REGIONS.some((r) => r.departments.includes(d)));

export interface OrganisationSpec {
  name: string;
  category: EligibilityCategory;
  kind: 'individual' | 'higher-education';
  uai: string | null;
  department: string;
  town: string;
  email: string;
  referent: { name: string; email: string };
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);

/** A UAI code (7 digits and a letter), unique by index. */
const uai = (department: string, i: number) =>
  `${(department.replace(/\D/g, '').padStart(3, '0') + String(1000 + i)).slice(-7)}${'ABCDEFGHJKLMNPRSTUVWXYZ'[i % 23]}`;

/** The i-th organisation of the demo portfolio: a name, a category, a town of a real department. */
export function organisationSpec(i: number, random: () => number, only?: readonly string[]): OrganisationSpec {
  const department = pick(random, only ?? DEPARTMENTS);
  const town = TOWNS[department] ?? department;
  const person = pick(random, PEOPLE);
  const kinds: Array<() => Omit<OrganisationSpec, 'department' | 'town' | 'email' | 'referent'>> = [
    () => ({
      name: `Université ${person} (${town})`,
      category: 'public-higher-education',
      kind: 'higher-education',
      uai: uai(department, i),
    }),
    () => ({
      name: `GRETA ${town} – ${person}`,
      category: 'public-adult-vocational-training',
      kind: 'individual',
      uai: uai(department, i),
    }),
    () => ({
      name: `CFA ${pick(random, TRADES)} de ${town}`,
      category: 'apprentice-training-centre',
      kind: 'individual',
      uai: uai(department, i),
    }),
    () => ({
      name: `${pick(random, PROVIDER_WORDS)} ${pick(random, PROVIDER_SUFFIX)} ${town}`,
      category: 'datadock-training-provider',
      kind: 'individual',
      uai: null,
    }),
    () => ({
      name: `École d’ingénieurs ${person} (${town})`,
      category: 'engineering-or-higher-technical-school',
      kind: 'individual',
      uai: uai(department, i),
    }),
    () => ({ name: `Institut catholique ${person} (${town})`, category: 'eespig', kind: 'individual', uai: uai(department, i) }),
    () => ({ name: `Centre AFPA de ${town}`, category: 'public-establishment-with-training-mission', kind: 'individual', uai: null }),
  ];
  const base = pick(random, kinds)();
  const name = base.name;
  const domain = `${slug(name)}-${i + 1}.demo.fr`;
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  return {
    ...base,
    name,
    department,
    town,
    email: `certification@${domain}`,
    referent: { name: `${first} ${last}`, email: `${slug(first)}.${slug(last)}@${domain}` },
  };
}

/** A person's name for candidates and invigilators. */
export function personName(random: () => number): { firstName: string; lastName: string } {
  return { firstName: pick(random, FIRST_NAMES), lastName: pick(random, LAST_NAMES) };
}

/** Five regional networks (demo): their name, coordinating entity and departments. */
export const NETWORKS = [
  {
    name: 'Réseau des GRETA d’Auvergne-Rhône-Alpes',
    entity: 'GIP FCIP Auvergne-Rhône-Alpes',
    departments: ['69', '38', '42', '63', '01'],
    category: 'public-adult-vocational-training',
  },
  {
    name: 'Réseau des CFA des Hauts-de-France',
    entity: 'Association régionale des CFA des Hauts-de-France',
    departments: ['59', '62', '80'],
    category: 'apprentice-training-centre',
  },
  {
    name: 'Réseau Occitanie Formation Numérique',
    entity: 'Carif-Oref Occitanie',
    departments: ['31', '34', '30', '66'],
    category: 'public-adult-vocational-training',
  },
  {
    name: 'Réseau des CFA de Nouvelle-Aquitaine',
    entity: 'Association des CFA de Nouvelle-Aquitaine',
    departments: ['33', '64', '86', '87', '17'],
    category: 'apprentice-training-centre',
  },
  {
    name: 'Réseau Grand Est Compétences',
    entity: 'GIP Grand Est Compétences',
    departments: ['67', '68', '57', '54', '51'],
    category: 'public-adult-vocational-training',
  },
] as const satisfies ReadonlyArray<{ name: string; entity: string; departments: readonly string[]; category: EligibilityCategory }>;

export const townOf = (department: string): string => TOWNS[department] ?? department;
