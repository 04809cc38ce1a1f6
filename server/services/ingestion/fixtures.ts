/** Posts on clearly different subjects, shared by the enrichment, relevance and search tests. */
export const SAMPLE_POSTS = {
  cats: {
    title: "Why my cats sleep all day",
    tags: ["pets"],
    text: "My two tabbies nap on the sofa from morning until dusk. Then they chase string, climb the bookshelf and purr on my lap at night. Kittens need play, a scratching post and a warm bed; older cats mostly want a sunny windowsill. A vet in Lisbon told me indoor cats sleep up to sixteen hours.",
  },
  postgres: {
    title: "Tuning PostgreSQL for write-heavy workloads",
    tags: ["databases"],
    text: "Checkpoints, WAL size and autovacuum decide how PostgreSQL behaves under heavy writes. Raise max_wal_size so checkpoints happen less often. Watch autovacuum on hot tables and give it more workers. Batch inserts in transactions and measure with pgbench before and after every change.",
  },
  alps: {
    title: "A weekend hiking the Alps",
    tags: ["travel"],
    text: "We walked from Chamonix to Zermatt over three days. Trail notes: the huts fill up in July, so book early. Pack light: a rain shell, a fleece and good boots matter more than anything else when the alpine weather turns.",
  },
  bread: {
    title: "Baking sourdough bread at home",
    tags: ["baking"],
    text: "A sourdough starter is flour, water and patience. Feed it daily until it doubles. Hydration decides the crumb: 70 percent is forgiving for a first loaf. Bake in a hot Dutch oven for a good oven spring and a crisp crust.",
  },
} as const;
