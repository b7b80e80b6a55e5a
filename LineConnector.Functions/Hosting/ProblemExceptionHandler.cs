using System.Globalization;
using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Line.Api;
using LineConnector.Core.Routing;
using LineConnector.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace LineConnector.Functions.Hosting;

/// <summary>
/// The one mapping from exceptions to RFC 7807 problem details for every HTTP route: the domain's
/// <see cref="DomainException"/> by its kind (400 naming each field, 401, 403, 404, 409, 412, 422, 428, and
/// 500 for a configuration an operator must fix), and each dependency's exception as what the caller can
/// do about it (503 with <c>Retry-After</c>: try again; 502: LINE refused). Refusals are logged as
/// warnings, failures as errors; messages never hold a secret. Anything else is left to ASP.NET Core (500).
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, Core.Privacy.UserIdHasher hasher, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>How long a caller should wait after a dependency was unavailable, when the dependency did not say.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (Answer(exception, httpContext.Request.Method) is not { } answer)
        {
            return false;
        }

        // A path may name a LINE user (the erase route): logged only as a keyed hash.
        var request = httpContext.Request;
        var path = hasher.Mask(request.Path.ToString());
        if (answer.Details.Status >= StatusCodes.Status500InternalServerError)
        {
            LogFailed(exception, request.Method, path, answer.Details.Status!.Value, answer.Details.Title);
        }
        else
        {
            LogRefused(request.Method, path, answer.Details.Status!.Value, hasher.Mask(exception.Message));
        }

        var response = httpContext.Response;
        response.StatusCode = answer.Details.Status!.Value;
        if (answer.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        // A caller that accepts no JSON gets the status alone.
        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = answer.Details, Exception = exception });
        return true;
    }

    /// <summary>The answer to <paramref name="exception"/> on a request of <paramref name="method"/>; null for an exception this mapping does not know.</summary>
    public static ProblemAnswer? Answer(Exception exception, string method) => exception switch
    {
        DomainException { Error: DomainError.Invalid } e => Invalid(e.Fields, e.Title ?? "The request is not valid"),
        DomainException e => Problem(Status(e.Error), e.Title ?? Title(e.Error), e.Message),
        ChannelConfigurationException e => Problem(StatusCodes.Status500InternalServerError, "Channel misconfigured", e.Message),
        EnquiryRowException e => Problem(StatusCodes.Status500InternalServerError, "Stored enquiry unreadable", e.Message),
        EnquiryTransitionException e => Problem(StatusCodes.Status409Conflict, "Not allowed in the enquiry's state", e.Message),

        // A safe request (a content download) may simply be repeated; anything else is reported as LINE's failure.
        LineApiException { IsTransient: true } e when HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
            => Problem(StatusCodes.Status503ServiceUnavailable, "LINE unavailable: try again", e.Message, e.RetryAfter ?? DefaultRetryAfter),
        LineApiException { IsTransient: true } e => Problem(StatusCodes.Status502BadGateway, "LINE unavailable", e.Message),
        LineApiException e => Problem(StatusCodes.Status502BadGateway, "LINE refused the request", e.Message),

        // A concurrent change that outlasted the store's retries is as transient as a busy store.
        TableStoreException e when e.IsTransient || e.Status == StatusCodes.Status412PreconditionFailed
            => Problem(StatusCodes.Status503ServiceUnavailable, "Storage unavailable: try again", e.Message, DefaultRetryAfter),
        TableStoreException e => Problem(StatusCodes.Status500InternalServerError, "Storage refused the request", e.Message),
        EnquiryChangedException e => Problem(StatusCodes.Status503ServiceUnavailable, "Storage unavailable: try again", e.Message, DefaultRetryAfter),
        SecretStoreException e => Problem(StatusCodes.Status503ServiceUnavailable, "Secret store unavailable: try again", e.Message, DefaultRetryAfter),
        DestinationUnavailableException e => Problem(StatusCodes.Status503ServiceUnavailable, "Destination unavailable: try again", e.Message, DefaultRetryAfter),

        // The queue (Service Bus) and other Azure services.
        Azure.RequestFailedException or HttpRequestException => Problem(StatusCodes.Status503ServiceUnavailable, "Queue unavailable: try again", exception.Message, DefaultRetryAfter),
        _ => null,
    };

    private static int Status(DomainError error) => error switch
    {
        DomainError.Invalid => StatusCodes.Status400BadRequest,
        DomainError.Unauthorized => StatusCodes.Status401Unauthorized,
        DomainError.Forbidden => StatusCodes.Status403Forbidden,
        DomainError.NotFound => StatusCodes.Status404NotFound,
        DomainError.Conflict => StatusCodes.Status409Conflict,
        DomainError.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        DomainError.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        DomainError.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static string Title(DomainError error) => error switch
    {
        DomainError.Invalid => "The request is not valid",
        DomainError.Unauthorized => "Not authenticated",
        DomainError.Forbidden => "Not allowed",
        DomainError.NotFound => "Not found",
        DomainError.Conflict => "Conflict",
        DomainError.PreconditionFailed => "Changed since it was read",
        DomainError.Unprocessable => "Cannot be done",
        DomainError.PreconditionRequired => "Precondition required",
        _ => "Misconfigured",
    };

    private static ProblemAnswer Invalid(IEnumerable<FieldError> fields, string title) =>
        new(new HttpValidationProblemDetails(fields.GroupBy(f => f.Field).ToDictionary(g => g.Key, g => g.Select(f => f.Message).ToArray()))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
        }, null);

    private static ProblemAnswer Problem(int status, string title, string detail, TimeSpan? retryAfter = null) =>
        new(new ProblemDetails { Status = status, Title = title, Detail = detail }, retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} refused ({Status}): {Reason}")]
    private partial void LogRefused(string method, string path, int status, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed ({Status} {Title})")]
    private partial void LogFailed(Exception error, string method, string path, int status, string? title);
}

/// <summary>A problem document and how long the caller should wait before trying again, when it should.</summary>
public sealed record ProblemAnswer(ProblemDetails Details, TimeSpan? RetryAfter);
