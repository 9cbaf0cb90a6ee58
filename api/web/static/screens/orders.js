// The shopper's orders (GET /v1/orders): what, how much, where to, and the status; cancel while it has not shipped.

const CANCELLABLE = new Set(['PENDING_PAYMENT', 'CONFIRMED']);

export const strings = {
  en: {
    title: 'Your orders',
    none: 'No orders yet.',
    shop: 'Find something that fits',
    order: 'Order {id}',
    placed: 'Placed {when}',
    total: 'Total', deliverTo: 'Deliver to', payment: 'Payment', status: 'Status',
    itemLine: '{qty} × {name}, size {size}: {price}',
    PENDING_PAYMENT: 'Awaiting payment', CONFIRMED: 'Confirmed', SHIPPED: 'Shipped', DELIVERED: 'Delivered',
    CANCELLED: 'Cancelled', FAILED: 'Failed',
    cancel: 'Cancel order',
    confirmCancel: 'Cancel order {id}? This cannot be undone.',
    yesCancel: 'Yes, cancel it', keep: 'Keep it',
    cancelled: 'Order {id} is cancelled.',
    refresh: 'Refresh',
  },
  hi: {
    title: 'आपके ऑर्डर',
    none: 'अभी कोई ऑर्डर नहीं।',
    shop: 'कुछ ऐसा ढूँढें जो फ़िट हो',
    order: 'ऑर्डर {id}',
    placed: '{when} को दिया गया',
    total: 'कुल', deliverTo: 'पहुँचाना है', payment: 'भुगतान', status: 'स्थिति',
    itemLine: '{qty} × {name}, साइज़ {size}: {price}',
    PENDING_PAYMENT: 'भुगतान बाकी', CONFIRMED: 'पक्का हुआ', SHIPPED: 'भेज दिया', DELIVERED: 'पहुँच गया',
    CANCELLED: 'रद्द', FAILED: 'असफल',
    cancel: 'ऑर्डर रद्द करें',
    confirmCancel: 'ऑर्डर {id} रद्द करें? यह वापस नहीं होगा।',
    yesCancel: 'हाँ, रद्द करें', keep: 'रहने दें',
    cancelled: 'ऑर्डर {id} रद्द हो गया।',
    refresh: 'ताज़ा करें',
  },
};

export async function render(root, app) {
  const el = app.el.bind(app);
  const t = app.t.bind(app);
  const list = el('div', {id: 'orders'});
  const status = el('p', {class: 'error', role: 'alert'});
  root.append(el('h1', {text: t('title')}), status,
    el('div', {class: 'actions'}, el('button', {type: 'button', text: t('refresh'), 'on:click': load})), list);
  const when = (iso) => new Date(iso).toLocaleString(app.lang === 'hi' ? 'hi-IN' : 'en-IN',
    {dateStyle: 'medium', timeStyle: 'short'});

  async function load() {
    status.textContent = '';
    let orders;
    try {
      orders = (await app.api('/v1/orders', {signal: app.signal})).items;
    } catch (error) {
      if (error.name !== 'AbortError') status.textContent = error.message;
      return;
    }
    if (!orders.length) {
      list.replaceChildren(el('p', {text: t('none')}),
        el('a', {class: 'button primary', href: '#/results', text: t('shop')}));
      return;
    }
    orders.sort((a, b) => b.created_at.localeCompare(a.created_at));
    list.replaceChildren(el('ul', {style: {listStyle: 'none', padding: '0'}}, orders.map(card)));
  }

  function card(order) {
    const titleId = `order-${order.id}`;
    const actions = el('div', {class: 'actions'});
    const state = order.status;
    if (CANCELLABLE.has(state)) {
      const cancel = el('button', {type: 'button', class: 'danger', text: t('cancel'), 'on:click': () => {
        actions.replaceChildren(
          el('p', {role: 'alert', text: t('confirmCancel', {id: order.id})}),
          el('button', {type: 'button', class: 'danger primary', text: t('yesCancel'), 'on:click': async () => {
            try {
              await app.api(`/v1/orders/${order.id}/cancel`, {method: 'POST'});
              app.toast(t('cancelled', {id: order.id}));
              await load();
            } catch (error) {
              status.textContent = error.message;
            }
          }}),
          el('button', {type: 'button', text: t('keep'), 'on:click': () => actions.replaceChildren(cancel)}));
        actions.querySelector('button').focus();
      }});
      actions.append(cancel);
    }
    return el('li', {class: 'card order', 'aria-labelledby': titleId, 'data-order-id': order.id},
      el('h2', {id: titleId, text: t('order', {id: order.id})}),
      el('p', {}, el('span', {class: `badge ${state === 'CONFIRMED' || state === 'DELIVERED' ? 'ok' : state === 'CANCELLED' || state === 'FAILED' ? 'bad' : ''}`,
        text: `${t('status')}: ${t(state)}`}), ' ', el('span', {class: 'muted', text: t('placed', {when: when(order.created_at)})})),
      el('ul', {}, order.items.map((line) => el('li', {text: t('itemLine', {qty: line.quantity, name: line.name || line.product_id,
        size: line.size, price: app.money(line.unit_price_inr)})}))),
      el('dl', {class: 'pairs'},
        el('dt', {text: t('total')}), el('dd', {}, el('strong', {text: app.money(order.total_inr)})),
        el('dt', {text: t('deliverTo')}), el('dd', {text: order.region}),
        el('dt', {text: t('payment')}), el('dd', {text: order.payment_method.toUpperCase()})),
      actions);
  }

  await load();
}
