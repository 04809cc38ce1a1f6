import type { Env } from "../../env";
import type { Services } from "../container";
import { FollowsService } from "../follows/follows-service";
import { ArticlePresenter } from "./article-view";
import { RealWorldArticles } from "./articles-service";
import { RealWorldComments } from "./comments";
import { RealWorldPeople } from "./people";
import { PersonalBlogs } from "./personal-blog";
import { ScopeResolver } from "./scope";

/** The RealWorld API's services, built over the app's own (one set per service container). */
export interface RealWorld {
  scopes: ScopeResolver;
  follows: FollowsService;
  articles: RealWorldArticles;
  comments: RealWorldComments;
  people: RealWorldPeople;
  personalBlogs: PersonalBlogs;
}

const built = new WeakMap<Services, RealWorld>();

/**
 * Memoized per container, so tests with their own container get their own, and the app's
 * process-wide container one set (with one blog cache).
 */
export function realWorldFor(services: Services, env: Pick<Env, "ROOT_DOMAIN">): RealWorld {
  let rw = built.get(services);
  if (!rw) {
    const { db } = services;
    const follows = new FollowsService({
      db,
      feed: services.feed,
      changed: (followerId) => services.readerPurger.personChanged(followerId),
    });
    const scopes = new ScopeResolver({ tenants: services.tenants, rootDomain: env.ROOT_DOMAIN });
    const presenter = new ArticlePresenter({
      db,
      follows,
      personChanges: (userId) => services.readerPurger.personChanges(userId),
    });
    const personalBlogs = new PersonalBlogs({ db, tenants: services.tenants });
    rw = {
      scopes,
      follows,
      personalBlogs,
      articles: new RealWorldArticles({
        db,
        posts: services.posts,
        signals: services.signals,
        memberships: services.memberships,
        follows,
        scopes,
        personalBlogs,
        presenter,
        feedCounter: () => services.feed.changeCounter(),
        blogChanges: (tenantIds) => services.readerPurger.blogChanges(tenantIds),
      }),
      comments: new RealWorldComments({ db, comments: services.comments, follows, presenter }),
      people: new RealWorldPeople({ db, profiles: services.profiles, follows, audit: services.audit }),
    };
    built.set(services, rw);
  }
  return rw;
}
