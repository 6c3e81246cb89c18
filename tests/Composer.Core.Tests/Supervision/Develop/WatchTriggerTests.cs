using System.Collections.Immutable;
using Composer.Core.Model;
using Composer.Core.Supervision.Develop;

namespace Composer.Core.Tests.Supervision.Develop;

public class WatchTriggerTests
{
    private static WatchTrigger Trigger(WatchAction action = WatchAction.Sync, string path = "/p/src", string? target = "/app",
        string[]? ignore = null, string[]? include = null, string? context = null, string? dockerIgnore = null, string service = "web", int index = 0) =>
        new(service, index, new WatchRule
        {
            Path = path, Action = action, Target = target,
            Ignore = [.. ignore ?? []], Include = [.. include ?? []],
            Exec = action == WatchAction.SyncExec ? new ServiceHook { Command = ["touch", "/tmp/x"] } : null,
        }, context, dockerIgnore);

    [Theory]
    [InlineData("/p/src/a.txt", "/app/a.txt")]
    [InlineData("/p/src/deep/er/b.js", "/app/deep/er/b.js")]
    [InlineData("/p/src", "/app")]
    public void A_path_under_the_rule_maps_below_its_target(string host, string container) =>
        Trigger().Match(host).Should().Be(new PathMapping(host, container));

    [Theory]
    [InlineData("/p/srcx/a.txt")]
    [InlineData("/p/a.txt")]
    [InlineData("/other/src/a.txt")]
    public void A_path_outside_the_rule_is_not_its_concern(string host) => Trigger().Match(host).Should().BeNull();

    [Fact]
    public void A_target_with_a_trailing_slash_gets_no_double_slash() =>
        Trigger(target: "/app/").Match("/p/src/a.txt")!.ContainerPath.Should().Be("/app/a.txt");

    [Theory]
    [InlineData("/p/src/node_modules/x/index.js", true)]
    [InlineData("/p/src/node_modules", true)]
    [InlineData("/p/src/lib/node_modules/y.js", false)]
    [InlineData("/p/src/a.tmp", true)]
    [InlineData("/p/src/sub/a.tmp", false)]
    [InlineData("/p/src/sub/b.log", true)]
    [InlineData("/p/src/keep.log", false)]
    [InlineData("/p/src/main.js", false)]
    public void Ignore_patterns_are_dockerignore_patterns_relative_to_the_rule_path(string host, bool ignored) =>
        (Trigger(ignore: ["node_modules/", "*.tmp", "**/*.log", "!keep.log"]).Match(host) is null).Should().Be(ignored);

    [Theory]
    [InlineData("/p/src/a.txt", true)]
    [InlineData("/p/src/a.js", false)]
    [InlineData("/p/src/docs/readme.md", true)]
    [InlineData("/p/src/sub/a.txt", false)]
    public void Include_patterns_admit_only_what_they_match(string host, bool included) =>
        (Trigger(include: ["*.txt", "docs"]).Match(host) is not null).Should().Be(included);

    [Theory]
    [InlineData("/p/src/.git/HEAD")]
    [InlineData("/p/src/sub/.git/index")]
    [InlineData("/p/src/.main.js.swp")]
    [InlineData("/p/src/main.js~")]
    [InlineData("/p/src/4913")]
    [InlineData("/p/src/.#main.js")]
    [InlineData("/p/src/#main.js#")]
    [InlineData("/p/src/.idea/workspace.xml")]
    [InlineData("/p/src/main.js___jb_tmp___")]
    public void Git_directories_and_editor_temporary_files_are_always_ignored(string host) => Trigger().Match(host).Should().BeNull();

    [Theory]
    [InlineData("/p/src/secret.env", true)]
    [InlineData("/p/src/build/out.js", true)]
    [InlineData("/p/src/app.js", false)]
    public void The_build_contexts_dockerignore_applies_relative_to_the_context(string host, bool ignored) =>
        (Trigger(context: "/p", dockerIgnore: "src/*.env\n**/build\n").Match(host) is null).Should().Be(ignored);

    [Fact]
    public void Relative_is_exact_about_directory_boundaries()
    {
        WatchTrigger.Relative("/p/src", "/p/src").Should().Be("");
        WatchTrigger.Relative("/p/src/", "/p/src/a").Should().Be("a");
        WatchTrigger.Relative("/p/src", "/p/src2/a").Should().BeNull();
    }
}

public class ChangePlanTests
{
    private static WatchTrigger T(string service, int index, WatchAction action, string path, string? target = "/app") =>
        new(service, index, new WatchRule
        {
            Path = path, Action = action, Target = action is WatchAction.Rebuild or WatchAction.Restart ? null : target,
            Exec = action == WatchAction.SyncExec ? new ServiceHook { Command = ["sh", "-c", "reload"] } : null,
        }, null, null);

    [Fact]
    public void Each_action_collects_its_services_and_paths()
    {
        var triggers = new[]
        {
            T("web", 0, WatchAction.Sync, "/p/web"),
            T("web", 1, WatchAction.Rebuild, "/p/web/package.json"),
            T("api", 0, WatchAction.SyncRestart, "/p/api", "/srv"),
            T("worker", 0, WatchAction.SyncExec, "/p/worker", "/w"),
            T("cron", 0, WatchAction.Restart, "/p/cron"),
        };
        var plan = ChangePlan.For(["/p/web/a.js", "/p/web/package.json", "/p/api/x.py", "/p/worker/1", "/p/worker/2", "/p/cron/tab", "/p/none"], triggers);

        plan.Rebuild.Should().Equal("web");
        plan.Restart.Should().Equal("api", "cron");
        plan.Sync.Keys.Should().Equal("api", "web", "worker");
        plan.Sync["web"].Select(m => m.ContainerPath).Should().Equal("/app/a.js", "/app/package.json");
        plan.Sync["api"].Should().Equal(new PathMapping("/p/api/x.py", "/srv/x.py"));
        plan.Sync["worker"].Should().HaveCount(2);
        plan.Exec["worker"].Should().ContainSingle("the command runs once per rule, however many of its files changed");
    }

    [Fact]
    public void Paths_no_rule_matches_make_an_empty_plan() =>
        ChangePlan.For(["/elsewhere/a"], [T("web", 0, WatchAction.Sync, "/p/web")]).IsEmpty.Should().BeTrue();

    [Fact]
    public void The_same_path_reported_twice_is_synced_once() =>
        ChangePlan.For(["/p/web/a.js", "/p/web/a.js"], [T("web", 0, WatchAction.Sync, "/p/web")]).Sync["web"].Should().ContainSingle();

    [Fact]
    public void Two_exec_rules_of_a_service_both_run()
    {
        var plan = ChangePlan.For(["/p/a/1", "/p/b/1"], [T("web", 0, WatchAction.SyncExec, "/p/a"), T("web", 1, WatchAction.SyncExec, "/p/b")]);
        plan.Exec["web"].Select(t => t.Index).Should().Equal(0, 1);
    }
}

public class ChangeDebouncerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nothing_pending_is_never_due()
    {
        var d = new ChangeDebouncer(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
        d.DueAt.Should().BeNull();
        d.TakeIfDue(T0.AddHours(1)).Should().BeNull();
    }

    [Fact]
    public void A_burst_becomes_one_batch_once_it_has_been_quiet()
    {
        var d = new ChangeDebouncer(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
        d.Add("/p/b", T0);
        d.Add("/p/a", T0.AddMilliseconds(200));
        d.Add("/p/b", T0.AddMilliseconds(400));
        d.TakeIfDue(T0.AddMilliseconds(800)).Should().BeNull("the last change was 400 ms ago");
        d.DueAt.Should().Be(T0.AddMilliseconds(900));
        d.TakeIfDue(T0.AddMilliseconds(900)).Should().Equal("/p/a", "/p/b");
        d.Count.Should().Be(0);
        d.DueAt.Should().BeNull();
    }

    [Fact]
    public void Changes_without_pause_are_still_flushed_after_the_maximum_delay()
    {
        var d = new ChangeDebouncer(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2));
        for (var ms = 0; ms <= 3000; ms += 100)
        {
            d.Add("/p/log", T0.AddMilliseconds(ms));
            if (d.TakeIfDue(T0.AddMilliseconds(ms)) is { } batch)
            {
                batch.Should().Equal("/p/log");
                ms.Should().Be(2000);
                return;
            }
        }
        throw new InvalidOperationException("never flushed");
    }
}
