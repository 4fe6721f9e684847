#include <gtest/gtest.h>

#include <stdexcept>

#include "http/http.h"

namespace chancery::http {
namespace {

Handler Text(std::string text) {
  return [text](const Request&) { return Response(200, "text/plain", text); };
}

Request MakeRequest(Method method, std::string path) {
  Request r;
  r.method = method;
  r.method_name = std::string(ToString(method));
  r.target = path;
  r.path = std::move(path);
  return r;
}

std::string Body(const Router& router, Method method, std::string path,
                 const std::vector<Middleware>& middleware = {}) {
  Request r = MakeRequest(method, std::move(path));
  return std::string(Dispatch(router, middleware, r).BodyView());
}

TEST(RouterTest, MatchesLiteralPaths) {
  Router router;
  router.Get("/", Text("home"));
  router.Get("/about", Text("about"));
  EXPECT_EQ(Body(router, Method::kGet, "/"), "home");
  EXPECT_EQ(Body(router, Method::kGet, "/about"), "about");
  EXPECT_EQ(router.Find(Method::kGet, "/about/").kind, Router::MatchKind::kNotFound);
  EXPECT_EQ(router.Find(Method::kGet, "/abou").kind, Router::MatchKind::kNotFound);
}

TEST(RouterTest, CapturesParams) {
  Router router;
  router.Get("/articles/:slug/comments/:id", Text("c"));
  auto m = router.Find(Method::kGet, "/articles/hello-world/comments/42");
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(m.params["slug"], "hello-world");
  EXPECT_EQ(m.params["id"], "42");
  // A parameter never matches an empty segment.
  EXPECT_EQ(router.Find(Method::kGet, "/articles//comments/42").kind, Router::MatchKind::kNotFound);
}

TEST(RouterTest, DispatchFillsRequestParams) {
  Router router;
  router.Get("/tags/:tag", [](const Request& r) {
    return Response(200, "text/plain",
                    "tag=" + std::string(r.Param("tag")) + ";missing=" + std::string(r.Param("nope")));
  });
  EXPECT_EQ(Body(router, Method::kGet, "/tags/c++"), "tag=c++;missing=");
}

TEST(RouterTest, LiteralBeatsParamWhateverTheOrder) {
  Router router;
  router.Get("/articles/:slug", Text("param"));
  router.Get("/articles/new", Text("literal"));
  router.Get("/a/:x/c", Text("x-param"));
  router.Get("/a/b/:y", Text("b-literal"));
  EXPECT_EQ(Body(router, Method::kGet, "/articles/new"), "literal");
  EXPECT_EQ(Body(router, Method::kGet, "/articles/old"), "param");
  EXPECT_EQ(Body(router, Method::kGet, "/a/b/c"), "b-literal");  // leftmost literal wins
  EXPECT_EQ(Body(router, Method::kGet, "/a/z/c"), "x-param");
}

TEST(RouterTest, WildcardCapturesTheRest) {
  Router router;
  router.Get("/static/*path",
             [](const Request& r) { return Response(200, "text/plain", std::string(r.Param("path"))); });
  router.Get("/static/:file", Text("single"));
  EXPECT_EQ(Body(router, Method::kGet, "/static/css/site.css"), "css/site.css");
  EXPECT_EQ(Body(router, Method::kGet, "/static/app.js"), "single");  // param beats wildcard
  EXPECT_EQ(Body(router, Method::kGet, "/static/"), "");
  EXPECT_EQ(router.Find(Method::kGet, "/static").kind, Router::MatchKind::kNotFound);
}

TEST(RouterTest, NotFoundUsesTheAppHandlerWithStatusForced) {
  Router router;
  router.Get("/", Text("home"));
  Request r = MakeRequest(Method::kGet, "/missing");
  Response plain = Dispatch(router, {}, r);
  EXPECT_EQ(plain.status, 404);
  EXPECT_NE(plain.BodyView().find("Not Found"), std::string_view::npos);

  router.SetNotFound(
      [](const Request& req) { return Response(200, "text/html", "custom 404 for " + req.path); });
  Response custom = Dispatch(router, {}, r);
  EXPECT_EQ(custom.status, 404);
  EXPECT_EQ(custom.BodyView(), "custom 404 for /missing");
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router;
  router.Get("/comments", Text("list"));
  router.Post("/comments", Text("made"));
  router.Add(Method::kDelete, "/comments/:id", Text("gone"));
  auto m = router.Find(Method::kPut, "/comments");
  ASSERT_EQ(m.kind, Router::MatchKind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<Method>{Method::kGet, Method::kHead, Method::kPost}));

  Request r = MakeRequest(Method::kPut, "/comments");
  Response res = Dispatch(router, {}, r);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.headers.Get("Allow"), "GET, HEAD, POST");

  Request d = MakeRequest(Method::kGet, "/comments/7");
  Response res2 = Dispatch(router, {}, d);
  EXPECT_EQ(res2.status, 405);
  EXPECT_EQ(res2.headers.Get("Allow"), "DELETE");
}

TEST(RouterTest, HeadRoutesLikeGetAndKeepsTheBodyForItsLength) {
  Router router;
  router.Get("/page", Text("page body"));
  Request r = MakeRequest(Method::kHead, "/page");
  Response res = Dispatch(router, {}, r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.BodyView(), "page body");  // the server sends its length only
  EXPECT_EQ(router.Find(Method::kPost, "/page").allowed, (std::vector<Method>{Method::kGet, Method::kHead}));
}

TEST(RouterTest, ExplicitHeadRouteBeatsGet) {
  Router router;
  router.Get("/x", Text("get"));
  router.Add(Method::kHead, "/x", Text("head"));
  EXPECT_EQ(Body(router, Method::kHead, "/x"), "head");
  EXPECT_EQ(Body(router, Method::kGet, "/x"), "get");
}

TEST(RouterTest, SameRankFirstAddedWins) {
  Router router;
  router.Get("/:a", Text("first"));
  router.Get("/:b", Text("second"));
  EXPECT_EQ(Body(router, Method::kGet, "/q"), "first");
}

TEST(DispatchTest, HandlerExceptionBecomes500) {
  Router router;
  router.Get("/boom", [](const Request&) -> Response { throw std::runtime_error("kaput"); });
  router.Get("/odd", [](const Request&) -> Response { throw 42; });
  Request r = MakeRequest(Method::kGet, "/boom");
  EXPECT_EQ(Dispatch(router, {}, r).status, 500);
  Request r2 = MakeRequest(Method::kGet, "/odd");
  EXPECT_EQ(Dispatch(router, {}, r2).status, 500);
}

TEST(DispatchTest, MiddlewareRunsOutermostFirstAndCanShortCircuit) {
  Router router;
  router.Get("/p/:id", [](const Request& r) {
    return Response(200, "text/plain", "handler " + std::string(r.Param("id")));
  });
  std::vector<std::string> trace;
  std::vector<Middleware> chain = {
      [&](const Request& r, const Next& next) {
        trace.push_back("outer sees id=" + std::string(r.Param("id")));
        Response res = next(r);
        res.headers.Set("X-Outer", "1");
        return res;
      },
      [&](const Request& r, const Next& next) {
        trace.push_back("inner");
        if (r.QueryParam("deny")) return Response(403, "text/plain", "denied");
        return next(r);
      },
  };
  Request ok = MakeRequest(Method::kGet, "/p/9");
  Response res = Dispatch(router, chain, ok);
  EXPECT_EQ(res.BodyView(), "handler 9");
  EXPECT_EQ(res.headers.Get("X-Outer"), "1");
  EXPECT_EQ(trace, (std::vector<std::string>{"outer sees id=9", "inner"}));

  Request denied = MakeRequest(Method::kGet, "/p/9");
  denied.query = "deny=1";
  Response res2 = Dispatch(router, chain, denied);
  EXPECT_EQ(res2.status, 403);
  EXPECT_EQ(res2.headers.Get("X-Outer"), "1");
}

TEST(DispatchTest, MiddlewareRunsFor404And405Too) {
  Router router;
  router.Post("/only-post", Text("x"));
  std::vector<Middleware> chain = {[](const Request& r, const Next& next) {
    Response res = next(r);
    res.headers.Set("X-Seen", "yes");
    return res;
  }};
  Request missing = MakeRequest(Method::kGet, "/nope");
  EXPECT_EQ(Dispatch(router, chain, missing).headers.Get("X-Seen"), "yes");
  Request wrong = MakeRequest(Method::kGet, "/only-post");
  Response res = Dispatch(router, chain, wrong);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.headers.Get("X-Seen"), "yes");
}

TEST(DispatchTest, MiddlewareExceptionBecomes500) {
  Router router;
  router.Get("/", Text("home"));
  std::vector<Middleware> chain = {
      [](const Request&, const Next&) -> Response { throw std::logic_error("middleware bug"); }};
  Request r = MakeRequest(Method::kGet, "/");
  EXPECT_EQ(Dispatch(router, chain, r).status, 500);
}

}  // namespace
}  // namespace chancery::http
