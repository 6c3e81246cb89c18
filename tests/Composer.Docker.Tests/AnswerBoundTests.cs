using Composer.Core.Engine;
using Docker.DotNet;

namespace Composer.Docker.Tests;

/// <summary>
/// The rule of <c>DockerEngine.Answered</c>, on tasks the test completes itself (no engine: the client is never used):
/// what is bounded is the engine's silence, not a call's age. A call past its bound is still waited for while other
/// calls are answered; once nothing has been answered for the bound, it is reported. Alone, not beside other classes:
/// "the engine answers others" is this test's own loop, and a thread pool kept busy by another class stalled it past
/// the 1 s bound (one run in about ten).
/// </summary>
[Collection(nameof(AnswerBoundTests))]
public sealed class AnswerBoundTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private readonly DockerEngine _engine = new(new DockerClientBuilder().WithEndpoint(new Uri("unix:///nonexistent/composer-test.sock")).Build()) { AnswerBound = Bound };

    public void Dispose() => _engine.Dispose();

    /// <summary>Other calls answered well within the bound, one after another for <paramref name="duration"/>: a busy engine, not a hung one.</summary>
    private async Task KeepAnsweringOthersAsync(TimeSpan duration, Action afterEach)
    {
        var busyUntil = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < busyUntil)
        {
            var other = new TaskCompletionSource<int>();
            var answered = _engine.Answered(other.Task);
            await Task.Delay(Bound / 10);
            other.SetResult(1);
            (await answered).Should().Be(1);
            afterEach();
        }
    }

    [Fact]
    public async Task A_call_to_a_silent_engine_is_reported_after_the_bound()
    {
        var never = new TaskCompletionSource<int>();
        var act = () => _engine.Answered(never.Task);
        (await act.Should().ThrowAsync<EngineException>()).WithMessage("the Docker engine at * did not answer within 1 s*COMPOSER_ENGINE_TIMEOUT*");
    }

    [Fact]
    public async Task A_call_past_its_bound_is_waited_for_while_the_engine_answers_others_and_reported_once_it_falls_silent()
    {
        var slow = new TaskCompletionSource<int>();
        var pending = _engine.Answered(slow.Task);
        await KeepAnsweringOthersAsync(3 * Bound, () => pending.IsCompleted.Should().BeFalse("a call past its bound is waited for while the engine answers others"));
        // Then silence: the slow call is reported.
        var act = () => pending;
        await act.Should().ThrowAsync<EngineException>().WithMessage("*did not answer within*");
    }

    [Fact]
    public async Task A_call_answered_after_its_bound_while_the_engine_was_busy_returns_its_result()
    {
        var slow = new TaskCompletionSource<int>();
        var pending = _engine.Answered(slow.Task);
        await KeepAnsweringOthersAsync(2 * Bound, () => { });
        slow.SetResult(42);
        (await pending).Should().Be(42);
    }
}

[CollectionDefinition(nameof(AnswerBoundTests), DisableParallelization = true)]
public sealed class AnswerBoundCollection;
