/** Word lists for the demo data; combined by the seeded generator in seed.ts. */

export const COMPANY_PREFIXES = [
  'Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent',
  'Hooli', 'Pied Piper', 'Vandelay', 'Wonka', 'Gringotts', 'Aperture', 'Black Mesa', 'Massive Dynamic', 'Oscorp',
  'Blue Sun', 'Monarch', 'Duff', 'Prestige', 'Sterling', 'Dunder', 'Bluth', 'Krusty', 'Gekko', 'Nakatomi', 'Zorg',
  'Aurora', 'Summit', 'Cascade', 'Evergreen', 'Horizon', 'Pinnacle', 'Redwood', 'Silverline', 'Brightwave', 'Ironclad',
  'Keystone', 'Lighthouse', 'Meridian', 'Nimbus', 'Orbit', 'Polaris', 'Quantum', 'Riverstone', 'Sapphire', 'Titan',
  'Vertex', 'Willow', 'Zenith', 'Alpine', 'Beacon', 'Cobalt', 'Driftwood', 'Ember', 'Falcon', 'Granite',
];

export const COMPANY_SUFFIXES = [
  'Analytics', 'Labs', 'Systems', 'Software', 'Logistics', 'Health', 'Robotics', 'Energy', 'Foods', 'Capital',
  'Media', 'Networks', 'Security', 'Cloud', 'Dynamics', 'Industries', 'Partners', 'Studios', 'Biotech', 'Motors',
  'Consulting', 'Ventures', 'Retail', 'Insurance', 'Aerospace', 'Pharma', 'Telecom', 'Education', 'Travel', 'Games',
];

export const FIRST_NAMES = [
  'Alice', 'Bob', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maya',
  'Noah', 'Olivia', 'Pablo', 'Quinn', 'Rosa', 'Samir', 'Tara', 'Umar', 'Vera', 'Wen', 'Ximena', 'Yusuf', 'Zoe',
  'Amelie', 'Bruno', 'Chloe', 'Diego', 'Emma', 'Felix', 'Giulia', 'Hugo', 'Isla', 'Jakob', 'Lea', 'Mateo', 'Nina',
  'Oscar', 'Priya', 'Rafael', 'Sofia', 'Theo', 'Ursula', 'Victor', 'Willa', 'Yara', 'Zain', 'Aiko', 'Bjorn', 'Chen',
];

export const LAST_NAMES = [
  'Smith', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Kowalski', 'Nguyen', 'Kim', 'Patel', 'Silva', 'Johansson', 'Novak',
  'Tanaka', 'Okafor', 'Haddad', 'Jensen', 'Moreau', 'Fischer', 'Costa', "O'Brien", 'Andersen', 'Ivanova', 'Lopez',
  'Martin', 'Bernard', 'Schmidt', 'Wagner', 'Romano', 'Yilmaz', 'Sato', 'Chowdhury', 'Mensah', 'Larsen', 'Petrov',
  'Fernandez', 'Lambert', 'Weber', 'Hoffmann', 'Ricci', 'Baker', 'Clarke', 'Evans', 'Hughes', 'Murphy', 'Walsh',
];

export const JOB_TITLES = [
  'CEO', 'CTO', 'CFO', 'COO', 'VP of Sales', 'VP of Engineering', 'Head of Marketing', 'Product Manager',
  'Software Engineer', 'Account Executive', 'Customer Success Manager', 'Data Scientist', 'Designer',
  'Operations Manager', 'Procurement Lead', 'IT Director', 'Sales Development Rep', 'Chief of Staff',
];

export const CITIES: Array<[string, string, string]> = [
  ['San Francisco', 'CA', 'United States'], ['New York', 'NY', 'United States'], ['Austin', 'TX', 'United States'],
  ['Paris', '', 'France'], ['Berlin', '', 'Germany'], ['London', '', 'United Kingdom'], ['Madrid', '', 'Spain'],
  ['Tokyo', '', 'Japan'], ['Toronto', 'ON', 'Canada'], ['Sydney', 'NSW', 'Australia'], ['Lisbon', '', 'Portugal'],
  ['Amsterdam', '', 'Netherlands'], ['Stockholm', '', 'Sweden'], ['São Paulo', 'SP', 'Brazil'], ['Bangalore', 'KA', 'India'],
];

export const STREETS = ['Main St', 'Market St', 'Rue de Rivoli', 'Unter den Linden', 'High Street', 'Gran Vía', 'King St', 'Harbour Rd'];

export const PRODUCTS = ['Platform licence', 'Renewal', 'Expansion', 'Pilot', 'Enterprise plan', 'Support contract', 'Onboarding', 'Add-on seats'];

export const NOTE_TITLES = ['Discovery call', 'Quarterly review', 'Pricing discussion', 'Security questionnaire', 'Kick-off meeting', 'Feedback session', 'Intro from partner'];

export const TASK_TITLES = ['Send proposal', 'Follow up on contract', 'Schedule demo', 'Prepare QBR deck', 'Update CRM notes', 'Call back about pricing', 'Share case study'];

export const MEMBER_NAMES: Array<[string, string]> = [
  ['Tim', 'Apple'], ['Phil', 'Schiller'], ['Jony', 'Ive'], ['Ada', 'Lovelace'], ['Grace', 'Hopper'], ['Alan', 'Turing'],
  ['Katherine', 'Johnson'], ['Linus', 'Torvalds'], ['Margaret', 'Hamilton'], ['Dennis', 'Ritchie'],
];
