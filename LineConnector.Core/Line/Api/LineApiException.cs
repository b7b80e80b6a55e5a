using System.Globalization;
using System.Text;

namespace LineConnector.Core.Line.Api;

/// <summary>What kind of failure a LINE API call ended in; it decides whether trying again can help.</summary>
public enum LineErrorKind
{
    /// <summary>400 "Invalid reply token": expired, already used or unknown.</summary>
    InvalidReplyToken,

    /// <summary>429 "You have reached your monthly limit.": no push succeeds until the next month.</summary>
    MonthlyLimit,

    /// <summary>429 rate limit: retried, and transient when the retries run out.</summary>
    RateLimit,

    /// <summary>409 on push: a request with the same <c>X-Line-Retry-Key</c> was already accepted; the messages were sent.</summary>
    Duplicate,

    /// <summary>
    /// LINE refused the credentials: the token endpoint refused the channel id and secret (a 4xx such as
    /// <c>invalid_client</c>), or another call refused the access token (401, 403).
    /// </summary>
    InvalidCredentials,

    /// <summary>Any other 4xx (bad request, not found, gone): trying again does not help.</summary>
    ClientError,

    /// <summary>5xx, or an answer that cannot be read: transient.</summary>
    ServerError,

    /// <summary>No answer within the attempt's timeout: transient.</summary>
    Timeout,

    /// <summary>LINE could not be reached (DNS, connection refused or reset): transient.</summary>
    Unreachable,
}

/// <summary>One entry of LINE's error <c>details</c>: what is wrong and where (a JSON field or query parameter).</summary>
public sealed record LineErrorDetail(string? Message = null, string? Property = null);

/// <summary>
/// A LINE API call failed: the one exception of <see cref="LineApiClient"/>, shaped like Azure.Core's
/// <c>RequestFailedException</c>. Carries the HTTP status (0 when there was no answer), LINE's error
/// code (token endpoint) and message and details, and the <c>x-line-request-id</c> LINE needs to
/// investigate. Never contains a token or a secret.
/// </summary>
public sealed class LineApiException : Exception
{
    internal LineApiException(
        string operation,
        LineErrorKind kind,
        int status,
        string lineMessage,
        IReadOnlyList<LineErrorDetail> details,
        string? requestId,
        int attempts,
        Exception? innerException = null,
        string? errorCode = null)
        : base(Describe(operation, kind, status, errorCode, lineMessage, details, requestId, attempts), innerException)
    {
        Operation = operation;
        Kind = kind;
        Status = status;
        ErrorCode = errorCode;
        LineMessage = lineMessage;
        Details = details;
        RequestId = requestId;
        Attempts = attempts;
    }

    /// <summary>The call, e.g. <c>push</c> or <c>reply</c>.</summary>
    public string Operation { get; }

    public LineErrorKind Kind { get; }

    /// <summary>HTTP status; 0 when LINE did not answer (timeout, unreachable).</summary>
    public int Status { get; }

    /// <summary>LINE's <c>error</c> code, when it gave one (the token endpoint's, e.g. <c>invalid_client</c>).</summary>
    public string? ErrorCode { get; }

    /// <summary>LINE's <c>message</c> (or <c>error_description</c>), or a description of the failure when LINE sent none.</summary>
    public string LineMessage { get; }

    public IReadOnlyList<LineErrorDetail> Details { get; }

    /// <summary>LINE's <c>x-line-request-id</c> of the last attempt.</summary>
    public string? RequestId { get; }

    /// <summary>On a 409 duplicate: <c>x-line-accepted-request-id</c>, the request that was accepted with this retry key.</summary>
    public string? AcceptedRequestId { get; internal init; }

    /// <summary>On a 409 duplicate: the messages the accepted request sent, when LINE lists them.</summary>
    public IReadOnlyList<SentMessage> SentMessages { get; internal init; } = [];

    /// <summary>LINE's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; internal init; }

    /// <summary>
    /// True when the call sends messages (reply, push) and this attempt or an earlier one of the same call
    /// ended without a clear answer (a timeout, a 5xx, a connection lost after sending): LINE may have
    /// delivered them. A reply token refused after that may have been used by that very attempt.
    /// </summary>
    public bool MayHaveTakenEffect { get; internal init; }

    /// <summary>Attempts made, retries included.</summary>
    public int Attempts { get; }

    /// <summary>True when the same call may succeed later.</summary>
    public bool IsTransient => Kind is LineErrorKind.RateLimit or LineErrorKind.ServerError or LineErrorKind.Timeout or LineErrorKind.Unreachable;

    private static string Describe(
        string operation, LineErrorKind kind, int status, string? errorCode, string lineMessage, IReadOnlyList<LineErrorDetail> details, string? requestId, int attempts)
    {
        var text = new StringBuilder().Append("LINE ").Append(operation).Append(" failed (");
        if (status != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"HTTP {status}");
            if (errorCode is not null)
            {
                text.Append(' ').Append(errorCode);
            }

            text.Append(", ");
        }

        text.Append(kind).Append(", ").Append(attempts).Append(attempts == 1 ? " attempt" : " attempts").Append("): ").Append(lineMessage);
        foreach (var detail in details)
        {
            text.Append("; ").Append(detail.Property ?? "(no property)").Append(": ").Append(detail.Message ?? "(no message)");
        }

        if (requestId is not null)
        {
            text.Append(" [request id ").Append(requestId).Append(']');
        }

        return text.ToString();
    }
}
