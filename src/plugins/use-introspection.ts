import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Refuses `__schema` and `__type` (graphql-js's own rule) when INTROSPECTION is off; `__typename`
 * stays, since clients need it. The schema is public in the repository, but a production
 * endpoint need not hand a map of itself to every stranger. (Its "Did you mean …" suggestions
 * are hidden by useSafeErrors.)
 */
export function useIntrospectionGate(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
