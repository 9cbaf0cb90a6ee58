"""What the rule-based shopping assistant says, in the shopper's language: English, Hindi (Devanagari) or
Hinglish (Hindi in Latin letters, mixed with English).

Every template is filled from the facts it is given (tool results, or what the shopper said); none holds a
number of its own, so every price, size, stock figure and order id in a reply comes from a tool result."""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["en", "hi", "hinglish"]

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_HINGLISH = frozenset(
    """
    hai hain kya mujhe mera meri mere chahiye chahie dikhao dikha dikhana karo kardo kar karna tak
    wala wali wale waala waali mein nahi nahin haan kaunsa konsa kaunse konse batao bata daal dal
    isko usko iska uska yeh woh joote jootey juta chappal accha acha theek thik sasta saste chalega
    yaad rakhna rakh kahan kab aayega aaega milega hata hatao lunga lena kharid kharidna bhi aur
    liye wapas hoga hogi kitna kitne ke ki ka se kuch koi sirf bas mangwa bhej bhejo raha rahi pehla
    doosra dusra teesra ji bhai abhi aaj kal kaun kaise kyun kyon tum aap hum tha thi gaya gayi jeeta
    hua hui wahan yahan sahi rahega rahegi mujhse humko do dijiye kijiye karna ko namaste namaskar
    shukriya dhanyavad dhanyawad chalo kare karein karun karu karoon lu lun loon loon lena batana samjhao
    chahte chahti sakta sakti sakte paas pata kyunki lekin phir matlab
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_STRONG_HINGLISH = frozenset(
    """
    hai hain kya mujhe chahiye chahie dikhao karo kardo tak wala wali wale mein nahi nahin haan
    kaunsa konsa batao daal isko usko yeh joote chappal accha theek chalega yaad rakhna kahan kab
    aayega hatao lunga kharid liye hoga kitna kuch koi mangwa bhejo chalo kaise kyun kare karein karun samjhao
    sakta sakte sakti chahte chahti kyunki lekin
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def detect_lang(text: str, previous: Lang = "en") -> Lang:
    """The language of a message; a message with no telling words (a size, a city, "ok") keeps the
    conversation's language."""
    if _DEVANAGARI.search(text):
        return "hi"
    words = re.findall(r"[a-z]+", text.lower())
    strong = sum(word in _STRONG_HINGLISH for word in words)
    weak = sum(word in _HINGLISH for word in words)
    if strong >= 1 or weak >= 2:
        return "hinglish"
    english = sum(len(word) > 2 and word not in _HINGLISH for word in words)
    if weak and english <= 1 and previous == "hinglish":
        return previous  # "thanks bhai" in a Hinglish conversation stays Hinglish
    if english >= 2 or (english == 1 and len(words) <= 2 and words[0] not in _HINGLISH and previous == "en"):
        return "en"
    return "hinglish" if weak and not english else previous


TEMPLATES: dict[str, dict[Lang, str]] = {
    "greet": {
        "en": "Namaste! Tell me what you are shopping for, and your size or budget if you have one.",
        "hi": "नमस्ते! बताइए क्या ढूँढ रहे हैं, और साइज़ या बजट हो तो वह भी।",
        "hinglish": "Namaste! Batao kya dhoondh rahe ho, aur size ya budget ho to woh bhi.",
    },
    "thanks": {
        "en": "You're welcome! Anything else I can find for you?",
        "hi": "आपका स्वागत है! और कुछ ढूँढूँ?",
        "hinglish": "Koi baat nahi! Aur kuch dhoondh doon?",
    },
    "bye": {
        "en": "Bye! Come back any time.",
        "hi": "धन्यवाद! फिर आइएगा।",
        "hinglish": "Bye! Phir aana.",
    },
    "offtopic": {
        "en": "Sorry, I can only help with shopping here: finding products, sizes, your cart and orders.",
        "hi": "माफ़ कीजिए, मैं यहाँ सिर्फ़ शॉपिंग में मदद कर सकता हूँ: प्रोडक्ट, साइज़, कार्ट और ऑर्डर।",
        "hinglish": "Sorry, main yahan sirf shopping mein help kar sakta hoon: products, size, cart aur "
        "orders.",
    },
    "ask_size": {
        "en": "What size do you wear for {what}?",
        "hi": "{what} के लिए आपका साइज़ क्या है?",
        "hinglish": "{what} ke liye aapka size kya hai?",
    },
    "ask_budget": {
        "en": "And your budget?",
        "hi": "और आपका बजट कितना है?",
        "hinglish": "Aur aapka budget kitna hai?",
    },
    "ask_cart_size": {
        "en": "Which size of {name}? It comes in {sizes}.",
        "hi": "{name} किस साइज़ में चाहिए? साइज़: {sizes}।",
        "hinglish": "{name} kaunse size mein chahiye? Sizes: {sizes}.",
    },
    "past_the_list": {
        "en": "The list I showed is shorter than that.",
        "hi": "मैंने जो लिस्ट दिखाई उसमें इतने प्रोडक्ट नहीं हैं।",
        "hinglish": "Maine jo list dikhayi usmein itne products nahi hain.",
    },
    "ask_which": {
        "en": "Which product do you mean? Say 'the first one', 'the second one', or its name.",
        "hi": "कौन सा प्रोडक्ट? 'पहला', 'दूसरा' या उसका नाम बताइए।",
        "hinglish": "Kaunsa product? 'pehla', 'doosra' ya uska naam batao.",
    },
    "ask_region": {
        "en": "Where should I deliver? Tell me your city or PIN code.",
        "hi": "डिलीवरी कहाँ करनी है? अपना शहर या पिन कोड बताइए।",
        "hinglish": "Delivery kahan karni hai? Apna city ya PIN code batao.",
    },
    "ask_order_id": {
        "en": "Which order? Tell me its order id.",
        "hi": "कौन सा ऑर्डर? उसका ऑर्डर आईडी बताइए।",
        "hinglish": "Kaunsa order? Uska order id batao.",
    },
    "ask_remember": {
        "en": "What should I remember: your size, a brand, your budget or your city?",
        "hi": "क्या याद रखूँ: आपका साइज़, ब्रांड, बजट या शहर?",
        "hinglish": "Kya yaad rakhoon: aapka size, brand, budget ya city?",
    },
    "ask_scan": {
        "en": "I need your measurements for that: attach a photo of your {scan} ({how}) and I will size it.",
        "hi": "इसके लिए आपका नाप चाहिए: अपने {scan} की फ़ोटो भेजिए ({how}), मैं साइज़ बता दूँगा।",
        "hinglish": "Iske liye aapka naap chahiye: apne {scan} ki photo bhejo ({how}), main size bata dunga.",
    },
    "ask_height": {
        "en": "A body photo needs your height: how tall are you, in centimetres?",
        "hi": "बॉडी फ़ोटो के लिए आपकी लंबाई चाहिए: कितने सेंटीमीटर?",
        "hinglish": "Body photo ke liye aapki height chahiye: kitne centimetre?",
    },
    "found": {
        "en": "Here is what I found{where}:",
        "hi": "ये मिले{where}:",
        "hinglish": "Yeh mile{where}:",
    },
    "found_widened": {
        "en": "No {what} matched your {limits}{where}; without that, these are the closest:",
        "hi": "आपके {limits} में {what}{where} नहीं मिला; उसके बिना ये सबसे क़रीब हैं:",
        "hinglish": "Aapke {limits} mein {what}{where} nahi mila; uske bina yeh sabse kareeb hain:",
    },
    "found_none_at_all": {
        "en": "I could not find any {what} in this shop.",
        "hi": "इस दुकान में कोई {what} नहीं मिला।",
        "hinglish": "Is shop mein koi {what} nahi mila.",
    },
    "found_closest": {
        "en": "No {what} matched{where}; these are the closest:",
        "hi": "{what}{where} नहीं मिला; ये सबसे क़रीब हैं:",
        "hinglish": "{what}{where} nahi mila; yeh sabse kareeb hain:",
    },
    "found_more": {
        "en": "Say 'add the second one' or 'tell me more about the first one'.",
        "hi": "'दूसरा कार्ट में डालो' या 'पहले के बारे में बताओ' कहिए।",
        "hinglish": "'doosra cart mein daalo' ya 'pehle ke bare mein batao' bolo.",
    },
    "found_one_more": {
        "en": "Say 'add it to my cart' or 'tell me more about it'.",
        "hi": "'इसे कार्ट में डालो' या 'इसके बारे में बताओ' कहिए।",
        "hinglish": "'isko cart mein daal do' ya 'iske bare mein batao' bolo.",
    },
    "compare_line": {
        "en": "{name}: {price}, sizes {sizes}.",
        "hi": "{name}: {price}, साइज़ {sizes}।",
        "hinglish": "{name}: {price}, sizes {sizes}.",
    },
    "compare_cheaper": {
        "en": "{name} is the cheaper one.",
        "hi": "{name} सस्ता है।",
        "hinglish": "{name} sasta hai.",
    },
    "compare_cheaper_most": {
        "en": "{name} is the cheapest.",
        "hi": "{name} सबसे सस्ता है।",
        "hinglish": "{name} sabse sasta hai.",
    },
    "compare_costlier": {
        "en": "{name} costs more.",
        "hi": "{name} महँगा है।",
        "hinglish": "{name} mehnga hai.",
    },
    "compare_costlier_most": {
        "en": "{name} costs the most.",
        "hi": "{name} सबसे महँगा है।",
        "hinglish": "{name} sabse mehnga hai.",
    },
    "compare_same_price": {
        "en": "They cost the same.",
        "hi": "दोनों की कीमत एक जैसी है।",
        "hinglish": "Dono ki price same hai.",
    },
    "compare_more": {
        "en": "Say 'add the first one' or 'tell me more about the second one'.",
        "hi": "'पहला कार्ट में डालो' या 'दूसरे के बारे में बताओ' कहिए।",
        "hinglish": "'pehla cart mein daalo' ya 'doosre ke bare mein batao' bolo.",
    },
    "found_none": {
        "en": "I found nothing that matches. Try a wider budget, another size or fewer filters.",
        "hi": "कुछ नहीं मिला। बजट बढ़ाकर, दूसरा साइज़ या कम शर्तों के साथ देखिए।",
        "hinglish": "Kuch nahi mila. Budget badha ke, doosra size ya kam filters ke saath try karo.",
    },
    "details_sizes": {
        "en": "Sizes: {sizes}.",
        "hi": "साइज़: {sizes}।",
        "hinglish": "Sizes: {sizes}.",
    },
    "details_stock": {
        "en": "In stock{where}: {stock}.",
        "hi": "स्टॉक में{where}: {stock}।",
        "hinglish": "Stock mein{where}: {stock}.",
    },
    "details_no_stock": {
        "en": "Not in stock{where} right now.",
        "hi": "अभी{where} स्टॉक में नहीं है।",
        "hinglish": "Abhi{where} stock mein nahi hai.",
    },
    "stock": {
        "en": "{name}{size}: {count} available{where}.",
        "hi": "{name}{size}: {count} उपलब्ध{where}।",
        "hinglish": "{name}{size}: {count} available{where}.",
    },
    "sold_out": {
        "en": "{name}{size} is sold out{where}.",
        "hi": "{name}{size}{where} बिक चुका है।",
        "hinglish": "{name}{size}{where} sold out hai.",
    },
    "added": {
        "en": "Added {qty} x {name} (size {size}) to your cart.",
        "hi": "{name} (साइज़ {size}) x {qty} कार्ट में डाल दिया।",
        "hinglish": "{name} (size {size}) x {qty} cart mein daal diya.",
    },
    "cart_total": {
        "en": "Your cart: {count} item(s), total {total}. Say 'place the order' to check out.",
        "hi": "आपका कार्ट: {count} आइटम, कुल {total}। ऑर्डर के लिए 'ऑर्डर कर दो' कहिए।",
        "hinglish": "Aapka cart: {count} item, total {total}. Order ke liye 'order kar do' bolo.",
    },
    "removed": {
        "en": "Done, I took it out of your cart.",
        "hi": "ठीक है, कार्ट से हटा दिया।",
        "hinglish": "Theek hai, cart se hata diya.",
    },
    "cart": {
        "en": "In your cart:",
        "hi": "आपके कार्ट में:",
        "hinglish": "Aapke cart mein:",
    },
    "out_of_stock": {
        "en": "Sorry, {name} (size {size}) is out of stock{where}, so that did not go through. "
        "Want another size or a similar product?",
        "hi": "माफ़ कीजिए, {name} (साइज़ {size}){where} स्टॉक में नहीं है, इसलिए यह नहीं हो पाया। "
        "दूसरा साइज़ या मिलता-जुलता प्रोडक्ट देखें?",
        "hinglish": "Sorry, {name} (size {size}){where} stock mein nahi hai, isliye yeh nahi ho paaya. "
        "Doosra size ya waisa hi koi aur product dekhein?",
    },
    "short_stock": {
        "en": "Only {available} of {name} (size {size}) are left{where}, fewer than you asked for. "
        "You can ask for {available} or fewer.",
        "hi": "{name} (साइज़ {size}){where} सिर्फ़ {available} बचे हैं, आपने इससे ज़्यादा माँगे थे। "
        "{available} या कम ले सकते हैं।",
        "hinglish": "{name} (size {size}){where} sirf {available} bache hain, aapne zyada maange the. "
        "{available} ya kam le sakte ho.",
    },
    "cart_empty": {
        "en": "Your cart is empty.",
        "hi": "आपका कार्ट खाली है।",
        "hinglish": "Aapka cart khali hai.",
    },
    "placed": {
        "en": "Order {order_id} is {status}: {lines}. Total {total}, {payment}, delivering to {city}.",
        "hi": "ऑर्डर {order_id} {status} है: {lines}। कुल {total}, {payment}, डिलीवरी {city} में।",
        "hinglish": "Order {order_id} {status} hai: {lines}. Total {total}, {payment}, delivery {city} mein.",
    },
    "order_declined": {
        "en": "Okay, I did not place the order. Your cart is as it was.",
        "hi": "ठीक है, ऑर्डर नहीं किया। आपका कार्ट वैसा ही है।",
        "hinglish": "Theek hai, order nahi kiya. Aapka cart waisa hi hai.",
    },
    "cancel_declined": {
        "en": "Okay, the order stays as it is.",
        "hi": "ठीक है, ऑर्डर वैसा ही रहेगा।",
        "hinglish": "Theek hai, order waisa hi rahega.",
    },
    "cancelled": {
        "en": "Order {order_id} is now {status}.",
        "hi": "ऑर्डर {order_id} अब {status} है।",
        "hinglish": "Order {order_id} ab {status} hai.",
    },
    "order_line": {
        "en": "Order {order_id}: {status}, {total}, {count} item(s), placed {placed}.",
        "hi": "ऑर्डर {order_id}: {status}, {total}, {count} आइटम, {placed} को।",
        "hinglish": "Order {order_id}: {status}, {total}, {count} item, {placed} ko.",
    },
    "orders": {
        "en": "Your recent orders:",
        "hi": "आपके हाल के ऑर्डर:",
        "hinglish": "Aapke recent orders:",
    },
    "no_orders": {
        "en": "You have no orders yet.",
        "hi": "अभी तक कोई ऑर्डर नहीं है।",
        "hinglish": "Abhi tak koi order nahi hai.",
    },
    "recommend": {
        "en": "From your {source}, these are the ones I am most sure of:",
        "hi": "आपके {source} के हिसाब से ये सबसे सही रहेंगे:",
        "hinglish": "Aapke {source} ke hisaab se yeh sabse sahi rahenge:",
    },
    "recommend_line": {
        "en": "{index}. {name} in size {size}, {price}, {confidence} sure: {reason}",
        "hi": "{index}. {name}, साइज़ {size}, {price}, {confidence} भरोसा: {reason}",
        "hinglish": "{index}. {name}, size {size}, {price}, {confidence} sure: {reason}",
    },
    "recommend_none": {
        "en": "I cannot recommend anything with confidence yet.",
        "hi": "अभी भरोसे से कुछ नहीं सुझा सकता।",
        "hinglish": "Abhi confidence ke saath kuch suggest nahi kar sakta.",
    },
    "knowledge": {
        "en": "From our guides:",
        "hi": "हमारी गाइड के अनुसार:",
        "hinglish": "Hamari guides ke hisaab se:",
    },
    "knowledge_none": {
        "en": "I could not find that in our guides.",
        "hi": "यह हमारी गाइड में नहीं मिला।",
        "hinglish": "Yeh hamari guides mein nahi mila.",
    },
    "scanned_foot": {
        "en": "I measured your foot: {length} mm long, {width} mm wide{standard}. Saved for sizing.",
        "hi": "आपका पैर नापा: {length} mm लंबा, {width} mm चौड़ा{standard}। साइज़ के लिए सेव कर लिया।",
        "hinglish": "Aapka pair naap liya: {length} mm lamba, {width} mm chauda{standard}. Size ke liye save "
        "kar liya.",
    },
    "scanned": {
        "en": "I measured your {kind} photo and saved it for sizing.",
        "hi": "आपकी {kind} फ़ोटो नाप ली और साइज़ के लिए सेव कर ली।",
        "hinglish": "Aapki {kind} photo naap li aur size ke liye save kar li.",
    },
    "consent": {
        "en": "To measure photos I need your consent first: please allow biometric consent in your settings.",
        "hi": "फ़ोटो नापने के लिए पहले आपकी सहमति चाहिए: सेटिंग्स में बायोमेट्रिक सहमति दीजिए।",
        "hinglish": "Photo naapne ke liye pehle aapki consent chahiye: settings mein biometric consent do.",
    },
    "photo_rejected": {
        "en": "I could not measure that photo: {reason}",
        "hi": "वह फ़ोटो नाप नहीं पाया: {reason}",
        "hinglish": "Woh photo naap nahi paaya: {reason}",
    },
    "no_photo": {
        "en": "I don't see a photo on this message. Attach one and send it again.",
        "hi": "इस मैसेज में फ़ोटो नहीं है। फ़ोटो लगाकर फिर भेजिए।",
        "hinglish": "Is message mein photo nahi hai. Photo laga ke phir bhejo.",
    },
    "remembered": {
        "en": "Noted, I will remember: {what}.",
        "hi": "ठीक है, याद रखूँगा: {what}।",
        "hinglish": "Theek hai, yaad rakhunga: {what}.",
    },
    "recalled": {
        "en": "What I remember about you: {what}.",
        "hi": "आपके बारे में याद है: {what}।",
        "hinglish": "Aapke bare mein yaad hai: {what}.",
    },
    "nothing_remembered": {
        "en": "I don't remember anything about you yet.",
        "hi": "अभी आपके बारे में कुछ याद नहीं है।",
        "hinglish": "Abhi aapke bare mein kuch yaad nahi hai.",
    },
    "region_noted": {
        "en": "Got it, delivering to {city}.",
        "hi": "ठीक है, डिलीवरी {city} में।",
        "hinglish": "Theek hai, delivery {city} mein.",
    },
    "failed": {
        "en": "That did not work: {reason}",
        "hi": "यह नहीं हो पाया: {reason}",
        "hinglish": "Yeh nahi ho paaya: {reason}",
    },
    "blocked": {
        "en": "The product text contained instructions to me, so I ignored them and changed nothing. "
        "What would you like to do?",
        "hi": "प्रोडक्ट के विवरण में मेरे लिए निर्देश थे, इसलिए मैंने उन्हें नहीं माना और कुछ नहीं बदला। आप क्या करना चाहेंगे?",
        "hinglish": "Product text mein mere liye instructions the, isliye maine unhe ignore kiya aur "
        "kuch nahi badla. Aap kya karna chahoge?",
    },
    "sign_in": {
        "en": "Please sign in first, then I can use your cart and orders.",
        "hi": "पहले साइन इन कीजिए, फिर मैं आपका कार्ट और ऑर्डर देख सकूँगा।",
        "hinglish": "Pehle sign in karo, phir main aapka cart aur orders dekh paunga.",
    },
    "using_saved": {
        "en": "Using your saved {what}.",
        "hi": "आपका सेव किया {what} ले रहा हूँ।",
        "hinglish": "Aapka saved {what} le raha hoon.",
    },
    "next": {
        "en": "What would you like to do next?",
        "hi": "आगे क्या करना है?",
        "hinglish": "Aage kya karna hai?",
    },
}

SCAN_WORDS: dict[str, dict[Lang, tuple[str, str]]] = {
    "foot": {
        "en": ("foot", "from above, standing on an A4 sheet"),
        "hi": ("पैर", "ऊपर से, A4 कागज़ पर खड़े होकर"),
        "hinglish": ("pair", "upar se, A4 sheet par khade hoke"),
    },
    "face": {
        "en": ("face", "a selfie in daylight"),
        "hi": ("चेहरे", "दिन की रोशनी में सेल्फ़ी"),
        "hinglish": ("face", "daylight mein selfie"),
    },
    "body": {
        "en": ("whole body", "standing straight, with your height in cm"),
        "hi": ("पूरे शरीर", "सीधे खड़े होकर, अपनी लंबाई सेमी में"),
        "hinglish": ("poori body", "seedhe khade hoke, apni height cm mein"),
    },
}


def say(key: str, lang: Lang, **facts: object) -> str:
    return TEMPLATES[key][lang].format(**facts)


def ask_scan(kind: str, lang: Lang) -> str:
    scan, how = SCAN_WORDS.get(kind, SCAN_WORDS["foot"])[lang]
    return say("ask_scan", lang, scan=scan, how=how)
