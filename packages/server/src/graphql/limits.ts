import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Limits on the shape of one operation, checked while the document is validated, before anything runs.
 * - Root fields: every root field (each alias counts) is a separate call of a core operation, so one request
 *   with a thousand aliased `logIn`s would be a thousand password guesses. Each one that runs is counted by the
 *   lockout like a separate request; this caps how many one request may carry at all.
 * - Depth and fields: nesting and repetition (fragments spread many times multiply) cost work per request
 *   however small the schema is; no legitimate query here comes near either limit.
 * Introspection (`__schema`, `__type`) is left to graphql-js's own MaxIntrospectionDepthRule, and in
 * production is refused altogether.
 */
export const OPERATION_LIMITS = { rootFields: 20, depth: 6, fields: 200 } as const;

export type OperationLimits = { [K in keyof typeof OPERATION_LIMITS]: number };

/** Longest document in lexical tokens, checked while parsing: the validation rules' work grows with it. */
export const MAX_TOKENS = 2000;

interface Shape {
  /** Field selections at this level, fragments flattened. */
  width: number;
  /** Levels of fields below and including this one. */
  depth: number;
  /** Field selections at every level, each fragment counted wherever it is spread. */
  fields: number;
}

const EMPTY: Shape = { width: 0, depth: 0, fields: 0 };

/** A validation rule that refuses operations beyond `limits`, each with one error naming the limit. */
export function operationLimitsRule(limits: OperationLimits = OPERATION_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    // Per document, a fragment's shape is measured once: a chain of fragments that each spread the next twice
    // would otherwise take exponential time to walk.
    const fragmentShapes = new Map<string, Shape>();

    function measure(selectionSet: SelectionSetNode, visiting: ReadonlySet<string>): Shape {
      let width = 0;
      let depth = 0;
      let fields = 0;
      for (const selection of selectionSet.selections) {
        let inner: Shape;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === '__schema' || selection.name.value === '__type') {
            width += 1;
            fields += 1;
            continue;
          }
          const below = selection.selectionSet ? measure(selection.selectionSet, visiting) : EMPTY;
          inner = { width: 1, depth: below.depth + 1, fields: below.fields + 1 };
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          inner = measure(selection.selectionSet, visiting);
        } else {
          inner = fragmentShape(context.getFragment(selection.name.value), visiting);
        }
        width += inner.width;
        depth = Math.max(depth, inner.depth);
        fields += inner.fields;
      }
      return { width, depth, fields };
    }

    function fragmentShape(fragment: FragmentDefinitionNode | null | undefined, visiting: ReadonlySet<string>): Shape {
      // Unknown and cyclic spreads are reported by graphql-js's own rules; here they only must not loop.
      if (!fragment || visiting.has(fragment.name.value)) return EMPTY;
      const known = fragmentShapes.get(fragment.name.value);
      if (known) return known;
      const shape = measure(fragment.selectionSet, new Set([...visiting, fragment.name.value]));
      fragmentShapes.set(fragment.name.value, shape);
      return shape;
    }

    return {
      OperationDefinition(operation: OperationDefinitionNode) {
        const shape = measure(operation.selectionSet, new Set());
        const refuse = (message: string) => context.reportError(new GraphQLError(message, { nodes: operation }));
        if (shape.width > limits.rootFields) {
          refuse(`The operation selects ${shape.width} root fields (aliases included); at most ${limits.rootFields} are allowed in one request.`);
        }
        if (shape.depth > limits.depth) refuse(`The operation nests fields ${shape.depth} levels deep; at most ${limits.depth} are allowed.`);
        if (shape.fields > limits.fields) refuse(`The operation selects ${shape.fields} fields (fragments expanded); at most ${limits.fields} are allowed.`);
        return false;
      },
    };
  };
}
