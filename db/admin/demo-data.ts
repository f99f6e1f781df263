/** The demo organization's content: realistic enough to try categorization and routing by hand. */
export const DEMO_ORGANIZATION = {
  slug: 'demo',
  name: 'Demo Devices Inc.',
  plan: 'enterprise',
  supportEmail: 'support@demo.example',
} as const;

export const DEMO_USERS = [
  { email: 'admin@demo.example', name: 'Demo Admin', role: 'admin' },
  { email: 'billing@demo.example', name: 'Bea Billing', role: 'agent' },
  { email: 'tech@demo.example', name: 'Theo Tech', role: 'agent' },
] as const;

export const DEMO_ADMIN_EMAIL = 'admin@demo.example';
export const DEMO_BILLING_EMAIL = 'billing@demo.example';

export const DEMO_CATEGORIES: ReadonlyArray<{
  name: string;
  description: string;
  autoResolve?: boolean;
  examples: string[];
}> = [
  {
    name: 'Shipping',
    description: 'Where an order or parcel is, tracking, delivery dates, carriers and delivery addresses.',
    examples: [
      'My order was supposed to arrive on Monday and the tracking has not moved since.',
      'Can I change the delivery address for the doorbell I ordered yesterday?',
      'The courier says delivered but there is no parcel at my door.',
    ],
  },
  {
    name: 'Billing',
    description: 'Charges, payments, invoices, subscriptions and cloud plans, refunds of charges and cards.',
    examples: [
      'I was charged twice for my cloud recording plan this month.',
      'Please send me an invoice with our company VAT number on it.',
      'How do I update the credit card used for my subscription?',
    ],
  },
  {
    name: 'Device malfunction',
    description: 'A camera, doorbell, thermostat or e-bike that stopped working, goes offline or shows an error.',
    examples: [
      'My camera keeps going offline every night around 2am.',
      'The thermostat display is blank even though it has power.',
      'The doorbell rings but the app never shows a notification anymore.',
    ],
  },
  {
    name: 'Setup help',
    description: 'How to install, wire, mount, pair, connect or configure a new device or the app.',
    examples: [
      'How do I connect the new camera to my 5 GHz wifi network?',
      'Which wires go where when replacing my old thermostat?',
      'The app cannot find the doorbell during pairing, what should I do?',
    ],
  },
  {
    name: 'Returns',
    description: 'Sending a product back, return labels, exchanges, the return window and refunds of returned items.',
    examples: [
      'I would like to return the camera, it does not fit my needs.',
      'Can you send me a return label for order 10442?',
      'Is it possible to exchange the white doorbell for a black one?',
    ],
  },
  {
    name: 'Feature request',
    description: 'Suggestions for new features, integrations or improvements the customer would like us to add.',
    examples: [
      'It would be great if the app supported Home Assistant.',
      'Please add a dark mode to the mobile app.',
      'Could the thermostat learn my schedule automatically?',
    ],
  },
  {
    name: 'Account access',
    description: 'Cannot log in, password resets, two-factor codes, locked accounts and changing the login email.',
    examples: [
      'I never receive the password reset email.',
      'My account is locked after too many login attempts.',
      'I lost my phone and cannot get the two-factor code anymore.',
    ],
  },
  {
    name: 'Spam',
    description: 'Unsolicited offers such as SEO, backlinks, crypto or lottery wins, not from a real customer.',
    autoResolve: true,
    examples: [
      'We can get your website to the first page of Google, reply for our SEO offer.',
      'Congratulations, you have won a lottery prize, send your bank details to claim it.',
      'Guest post opportunity: we sell high-authority backlinks at a discount.',
    ],
  },
];
