/** What varies between runs of a screen: which company page, which search text. */
export interface ScreenVars {
  companyId?: string;
  text?: string;
}

/** Ids and texts the runs cycle through, read from the data set before timing. */
export interface ScreenData {
  /** 50 different companies (the budget test opens one page each). */
  companyIds: string[];
  /** A company outside `companyIds`, to warm a system up without touching theirs. */
  spareCompanyId: string;
  searchTexts: string[];
}

export const SEARCH_TEXTS = ['an', 'el', 'ri', 'son', 'ma'];

export function varsFor(data: ScreenData, run: number): ScreenVars {
  return { companyId: data.companyIds[run % data.companyIds.length], text: data.searchTexts[run % data.searchTexts.length] };
}

/**
 * Twenty's filter for "first name, last name or email contains the text" (twenty-rest.md §4),
 * as a REST client writes it. The texts above are plain letters, so no escaping is needed.
 */
export function searchFilter(text: string): string {
  return `or(name.firstName[ilike]:%${text}%,name.lastName[ilike]:%${text}%,emails.primaryEmail[ilike]:%${text}%)`;
}
