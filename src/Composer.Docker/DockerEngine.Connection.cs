using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Composer.Core.Engine;
using Docker.DotNet;

namespace Composer.Docker;

/// <summary>
/// Reaching the engine, and saying clearly when that fails: no engine (how to start one), a socket this user may not
/// open (how to get access), or an engine that accepts and never answers (a bounded wait, never a silent hang).
/// </summary>
public sealed partial class DockerEngine
{
    /// <summary>How long any engine call may take to answer: <c>COMPOSER_ENGINE_TIMEOUT</c> seconds, default 20.</summary>
    public static TimeSpan AnswerTimeout
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("COMPOSER_ENGINE_TIMEOUT");
            return double.TryParse(configured, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromSeconds(20);
        }
    }

    /// <summary>Where the engine is: DOCKER_HOST, the docker context, or the local socket (for messages).</summary>
    public Uri? Endpoint { get; }

    /// <summary>
    /// The engine <see cref="Connect()"/> reaches: DOCKER_HOST, else the local socket (for messages and the project
    /// lock; the builder resolves the same way, a docker context other than the default aside).
    /// </summary>
    public static Uri? DefaultEndpoint
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
            return Uri.TryCreate(string.IsNullOrEmpty(host) ? "unix:///var/run/docker.sock" : host, UriKind.Absolute, out var uri) ? uri : null;
        }
    }

    /// <summary>Connects as the docker CLI would: DOCKER_HOST, then the current context, then the local socket.</summary>
    public static DockerEngine Connect()
    {
        var endpoint = DefaultEndpoint;
        // No per-request timeout (the library's default is 100 s), as in Compose: with every call of a 500-service
        // `up` sent at once the engine queues them, and creates legitimately answered after 100 s were cancelled.
        // Calls are bounded by Answered instead: by how long the engine has not answered anything, not by each call's age.
        return new DockerEngine(new DockerClientBuilder().WithTimeout(Timeout.InfiniteTimeSpan).Build(), endpoint);
    }

    private string Where => Endpoint?.ToString() ?? "the default socket";

    /// <summary>
    /// Checks that an engine answers within <see cref="AnswerTimeout"/>; the message says what to do when it does not.
    /// <c>/_ping</c>, not <c>/version</c>: Engine 20.10 answers a version by running <c>runc</c> and <c>docker-init</c>
    /// (10–15 ms with 500 containers, against under 1 ms), and this is on every command's path and each host probe.
    /// </summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        WithAnswerTimeout(async ct => { await _client.System.PingAsync(ct).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>Runs a short engine call (no streaming, no waiting on containers) with the answer timeout.</summary>
    private async Task<T> WithAnswerTimeout<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var timeout = AnswerTimeout;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            return await call(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw NoAnswer(timeout);
        }
        catch (DockerApiException e)
        {
            throw new EngineException(ApiMessage(e), e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TimeoutException)
        {
            throw Unreachable(e);
        }
    }

    private EngineException NoAnswer(TimeSpan waited) =>
        new($"the Docker engine at {Where} did not answer within {waited.TotalSeconds:0.#} s (set COMPOSER_ENGINE_TIMEOUT to wait longer)");

    /// <summary>The answer timeout of this connection for <see cref="Answered{T}"/> (tests); null: <see cref="AnswerTimeout"/>.</summary>
    internal TimeSpan? AnswerBound { get; init; }

    /// <summary>When the engine last answered any call (a result or an API error): a busy engine is not a hung one.</summary>
    private long _lastAnswer = Stopwatch.GetTimestamp();

    /// <summary>
    /// Bounds a call already under way: an engine that accepted the connection and then stopped answering (hung,
    /// paused, a dead proxy in between) is reported after <see cref="AnswerTimeout"/> (plus
    /// <paramref name="beyondAnswer"/>), never waited for silently. <see cref="Timeout.InfiniteTimeSpan"/>: unbounded.
    /// A call past its bound is still waited for while the engine keeps answering other calls within
    /// <see cref="AnswerTimeout"/>: a 500-service <c>up</c> queues creates in the engine for longer than any fixed bound.
    /// The abandoned request ends with the process, or with the connection.
    /// </summary>
    internal async Task<T> Answered<T>(Task<T> call, TimeSpan? beyondAnswer = null)
    {
        if (call.IsCompleted || beyondAnswer == Timeout.InfiniteTimeSpan) return await Noted(call).ConfigureAwait(false);
        var answer = AnswerBound ?? AnswerTimeout;
        var bound = answer + (beyondAnswer ?? TimeSpan.Zero);
        var started = Stopwatch.GetTimestamp();
        var noted = Noted(call);
        while (true)
        {
            var wait = bound - Stopwatch.GetElapsedTime(started);
            if (wait <= TimeSpan.Zero)
            {
                var quiet = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastAnswer));
                if (quiet >= answer)
                {
                    _ = noted.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    throw NoAnswer(bound);
                }
                wait = answer - quiet;
            }
            try
            {
                return await noted.WaitAsync(wait).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!noted.IsCompleted)
            {
            }
        }
    }

    /// <summary>The call's result, noting that the engine answered (an API error is an answer too).</summary>
    private async Task<T> Noted<T>(Task<T> call)
    {
        try
        {
            var result = await call.ConfigureAwait(false);
            Interlocked.Exchange(ref _lastAnswer, Stopwatch.GetTimestamp());
            return result;
        }
        catch (DockerApiException)
        {
            Interlocked.Exchange(ref _lastAnswer, Stopwatch.GetTimestamp());
            throw;
        }
    }

    /// <summary>What a stop or restart may take on top of an answer: the grace period (the engine's default is 10 s).</summary>
    private static TimeSpan GracePeriod(TimeSpan? timeout) => timeout ?? TimeSpan.FromSeconds(10);

    /// <summary>The engine could not be reached: permission denied is told apart from "no engine there".</summary>
    private EngineException Unreachable(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.AccessDenied } || inner is UnauthorizedAccessException)
                return new EngineException(
                    $"permission denied while trying to connect to the Docker engine at {Where}: this user may not open its socket; " +
                    "add the user to the socket's group (usually 'docker': sudo usermod -aG docker $USER, then log in again), or run as root", e);
        }
        return new EngineException($"Cannot connect to the Docker engine at {Where} ({e.Message}). Is the docker daemon running? (scripts/engine.sh starts one)", e);
    }
}
