// Prettier, close to the style the code was written in: 120 columns, single
// quotes (double in JSX attributes, as written), semicolons, trailing commas
// wherever the syntax allows, parentheses around every arrow parameter, LF.
// Template literals (shell scripts, SQL) are never reformatted: embedded
// formatting is off. What is not formatted at all is in .prettierignore.
/** @type {import('prettier').Config} */
export default {
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  jsxSingleQuote: false,
  quoteProps: 'as-needed',
  trailingComma: 'all',
  bracketSpacing: true,
  arrowParens: 'always',
  endOfLine: 'lf',
  proseWrap: 'preserve',
  embeddedLanguageFormatting: 'off',
  // CSS keeps its double quotes (@import "tailwindcss")
  overrides: [{ files: '*.css', options: { singleQuote: false } }],
};
