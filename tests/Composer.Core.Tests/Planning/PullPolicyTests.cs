using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Execution;
using Composer.Core.Model;
using Composer.Core.Planning;
using Composer.Core.Tests.TestSupport;
using Composer.Core.UseCases;

namespace Composer.Core.Tests.Planning;

/// <summary><c>pull_policy</c> at <c>up</c>, as compose-go parses it and Compose's <c>mustPull</c> decides.</summary>
public class PullPolicyTests
{
    [Theory]
    [InlineData("every_2d", 2 * 24 * 60)]
    [InlineData("every_12h", 12 * 60)]
    [InlineData("every_30m", 30)]
    [InlineData("every_1w", 7 * 24 * 60)]
    [InlineData("every_1h30m", 90)]
    [InlineData("every_1.5h", 90)]
    [InlineData("daily", 24 * 60)]
    [InlineData("weekly", 7 * 24 * 60)]
    public void Refresh_forms_read_as_compose_go_reads_them(string text, int minutes)
    {
        PullPolicy.TryParse(text, out var policy, out var error).Should().BeTrue(error);
        policy.Should().Be(new PullPolicy(PullPolicyKind.Refresh, TimeSpan.FromMinutes(minutes)));
    }

    [Theory]
    [InlineData("always", PullPolicyKind.Always)]
    [InlineData("never", PullPolicyKind.Never)]
    [InlineData("build", PullPolicyKind.Build)]
    [InlineData("missing", PullPolicyKind.Missing)]
    [InlineData("if_not_present", PullPolicyKind.Missing)]
    [InlineData("refresh", PullPolicyKind.Missing)] // compose-go's GetPullPolicy has no case for it: pull if missing
    [InlineData(null, PullPolicyKind.Missing)]
    public void The_named_policies(string? text, PullPolicyKind kind)
    {
        PullPolicy.TryParse(text, out var policy, out _).Should().BeTrue();
        policy.Kind.Should().Be(kind);
    }

    [Theory]
    [InlineData("every_", "invalid duration")]
    [InlineData("every_2x", "unknown unit \"x\"")]
    [InlineData("every_2d3", "missing unit")]
    public void An_unreadable_duration_is_an_error(string text, string expected)
    {
        PullPolicy.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain(expected);
    }

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Plan(string policy, bool present, TimeSpan? taggedAgo = null, string extra = "")
    {
        var project = TestProjects.Load($"services:\n  web:\n    image: img\n    pull_policy: {policy}\n{extra}");
        var observed = ObservedState.Empty with
        {
            Images = ImmutableSortedDictionary<string, string?>.Empty.Add("img", present ? "sha256:1" : null),
            ImageTagTimes = taggedAgo is { } ago ? ImmutableSortedDictionary<string, DateTimeOffset>.Empty.Add("img", Now - ago) : ImmutableSortedDictionary<string, DateTimeOffset>.Empty,
        };
        var pulls = Planner.PlanUp(project, observed, new UpOptions { Now = Now }).Operations.OfType<PullImage>().ToList();
        return pulls.Count == 0 ? "no pull" : string.Join("; ", pulls.Select(p => p.Cause));
    }

    [Fact]
    public void Always_pulls_a_present_image_missing_does_not()
    {
        Plan("always", present: true).Should().Be("pull_policy: always");
        Plan("missing", present: true).Should().Be("no pull");
        Plan("missing", present: false).Should().Be("image not present locally");
        Plan("if_not_present", present: false).Should().Be("image not present locally");
    }

    [Fact]
    public void Never_and_build_never_pull()
    {
        Plan("never", present: false).Should().Be("no pull");
        Plan("build", present: false, extra: "    build: .\n").Should().Be("no pull");
    }

    [Fact]
    public void Every_duration_pulls_an_image_tagged_longer_ago_or_a_missing_one()
    {
        Plan("every_2d", present: true, taggedAgo: TimeSpan.FromDays(3)).Should().Be("pull_policy: every_2d, the local image is older");
        Plan("every_2d", present: true, taggedAgo: TimeSpan.FromDays(1)).Should().Be("no pull");
        Plan("every_30m", present: true, taggedAgo: TimeSpan.FromMinutes(31)).Should().StartWith("pull_policy: every_30m");
        Plan("daily", present: true, taggedAgo: TimeSpan.FromHours(23)).Should().Be("no pull");
        Plan("every_12h", present: false).Should().Be("image not present locally");
        Plan("every_12h", present: true).Should().StartWith("pull_policy: every_12h", "no tag time is as old as Compose's zero LastTagTime");
    }

    [Fact]
    public void An_unreadable_every_duration_fails_the_plan_naming_the_service()
    {
        var act = () => Plan("every_2d3", present: true);
        act.Should().Throw<PlanningException>().WithMessage("service \"web\": pull_policy \"every_2d3\": missing unit*");
    }

    [Fact]
    public void A_pull_of_an_image_a_service_builds_may_fail()
    {
        var project = TestProjects.Load("services:\n  web:\n    image: img\n    build: .\n    pull_policy: always\n");
        var observed = ObservedState.Empty with { Images = ImmutableSortedDictionary<string, string?>.Empty.Add("img", "sha256:1") };
        Planner.PlanUp(project, observed, new UpOptions()).Operations.OfType<PullImage>().Single().Required.Should().BeFalse();
    }

    [Fact]
    public async Task An_optional_pull_that_fails_is_a_warning_and_up_goes_on()
    {
        var engine = new FakeEngine();
        engine.Images["img"] = "sha256:1";
        var project = TestProjects.Load("services:\n  web:\n    image: img\n    build: .\n    pull_policy: always\n");
        var output = new RecordingOutput();
        (await new ComposeActions(engine, output, new CountingLocks()).UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None))
            .Should().Be(UpOutcome.Succeeded);
        engine.Calls.Should().Contain("pull image img").And.Contain("start container demo-web-1");
    }

    [Fact]
    public async Task Always_pull_failure_fails_up_before_any_container_is_created()
    {
        var engine = new FakeEngine();
        var project = TestProjects.Load("services:\n  web:\n    image: busybox\n    pull_policy: always\n");
        (await new ComposeActions(engine, new RecordingOutput(), new CountingLocks()).UpAsync(new UpRequest(project, new UpOptions()), CancellationToken.None))
            .Should().Be(UpOutcome.Failed);
        engine.Calls.Should().Contain("pull image busybox").And.NotContain(c => c.StartsWith("create container", StringComparison.Ordinal));
    }

    [Fact]
    public void Pull_policy_build_builds_a_present_image_at_every_up()
    {
        var project = TestProjects.Load("services:\n  web:\n    build: .\n    pull_policy: build\n  other:\n    build: ./o\n");
        var present = new Dictionary<string, string?> { ["demo-web"] = "sha256:1", ["demo-other"] = "sha256:2" };
        BuildPlanner.PlanBuild(project, [], noDeps: false, onlyMissing: true, present).ToString().Should().Be("build image demo-web  (pull_policy: build)\n");
    }
}
