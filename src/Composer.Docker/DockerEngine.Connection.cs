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

    /// <summary>Connects as the docker CLI would: DOCKER_HOST, then the current context, then the local socket.</summary>
    public static DockerEngine Connect()
    {
        // For messages only: the builder resolves the same way (a docker context other than the default aside).
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var endpoint = Uri.TryCreate(string.IsNullOrEmpty(host) ? "unix:///var/run/docker.sock" : host, UriKind.Absolute, out var uri) ? uri : null;
        // No per-request timeout (the library's default is 100 s), as in Compose: with every call of a 500-service
        // `up` sent at once the engine queues them, and creates legitimately answered after 100 s were cancelled.
        // The first call and the listing keep their bound (AnswerTimeout); the rest is the engine's own time.
        return new DockerEngine(new DockerClientBuilder().WithTimeout(Timeout.InfiniteTimeSpan).Build(), endpoint);
    }

    private string Where => Endpoint?.ToString() ?? "the default socket";

    /// <summary>Checks that an engine answers within <see cref="AnswerTimeout"/>; the message says what to do when it does not.</summary>
    public async Task<string> PingAsync(CancellationToken cancellationToken)
    {
        var version = await WithAnswerTimeout(ct => _client.System.GetVersionAsync(ct), cancellationToken).ConfigureAwait(false);
        return $"{version.Version} (API {version.APIVersion})";
    }

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

    /// <summary>
    /// Bounds a call already under way: an engine that accepted the connection and then stopped answering (hung,
    /// paused, a dead proxy in between) is reported after <see cref="AnswerTimeout"/> (plus
    /// <paramref name="beyondAnswer"/>), never waited for silently. <see cref="Timeout.InfiniteTimeSpan"/>: unbounded.
    /// The abandoned request ends with the process, or with the connection.
    /// </summary>
    private async Task<T> Answered<T>(Task<T> call, TimeSpan? beyondAnswer = null)
    {
        if (call.IsCompleted || beyondAnswer == Timeout.InfiniteTimeSpan) return await call.ConfigureAwait(false);
        var bound = AnswerTimeout + (beyondAnswer ?? TimeSpan.Zero);
        try
        {
            return await call.WaitAsync(bound).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw NoAnswer(bound);
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
