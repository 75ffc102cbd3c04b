/** Where `drydock serve` answers the admission webhooks (the HTTP routes and the printed configurations agree). */
export const ADMISSION_ROUTES_PATHS = { validate: '/admission/validate', mutate: '/admission/mutate' } as const
