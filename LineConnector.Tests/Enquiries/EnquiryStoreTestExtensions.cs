using LineConnector.Core.Enquiries;

namespace LineConnector.Tests.Enquiries;

/// <summary>How tests put an enquiry into a state: read it, change it, write it back.</summary>
internal static class EnquiryStoreTestExtensions
{
    public static async Task<StoredEnquiry?> UpdateAsync(this EnquiryStore store, string enquiryId, Func<StoredEnquiry, StoredEnquiry?> change, CancellationToken cancellationToken) =>
        await store.GetAsync(enquiryId, cancellationToken) is { } current
            ? await store.UpdateAsync(current, e => change(e) is { } changed ? new EnquiryWrite(changed) : null, cancellationToken)
            : null;
}
